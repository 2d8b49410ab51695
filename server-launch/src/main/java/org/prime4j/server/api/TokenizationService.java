package org.prime4j.server.api;

import java.util.Arrays;
import java.util.List;
import org.prime4j.server.model.ServingModel;

/** {@code /tokenize} and {@code /detokenize}, answered on the request thread (tokenizers are thread-safe). */
public final class TokenizationService {

    /** vLLM's reply; {@code token_strs} is null unless asked for. */
    public record TokenizeResponse(int count, int maxModelLen, List<Integer> tokens, List<String> tokenStrs) {}

    public record DetokenizeResponse(String prompt) {}

    private final ServingModel model;
    private final ServedModels served;
    private final int maxPromptBytes;

    /** @param maxPromptBytes largest text tokenized, as for completions ({@code --max-prompt-bytes}) */
    public TokenizationService(ServingModel model, ServedModels served, int maxPromptBytes) {
        this.model = model;
        this.served = served;
        this.maxPromptBytes = maxPromptBytes;
    }

    public TokenizeResponse tokenize(TokenizeRequest r) {
        served.resolve(r.model());
        boolean hasPrompt = r.prompt() != null;
        boolean hasMessages = r.messages() != null;
        if (hasPrompt == hasMessages) {
            throw ApiException.badRequest("Send exactly one of prompt or messages.", hasPrompt ? "messages" : "prompt");
        }
        long bytes = hasPrompt ? PromptBytes.utf8Length(r.prompt()) : 0;
        if (hasMessages) {
            for (var m : r.messages()) {
                bytes += m == null || m.content() == null ? 0 : PromptBytes.utf8Length(m.content());
            }
        }
        PromptBytes.check(bytes, maxPromptBytes, model.maxModelLen(), hasPrompt ? "prompt" : "messages");
        int[] ids;
        if (hasPrompt) {
            ids = model.tokenize(r.prompt(), r.addSpecialTokens() == null || r.addSpecialTokens());
        } else {
            if (r.messages().isEmpty()) {
                throw ApiException.badRequest("messages cannot be empty.", "messages");
            }
            ids = model.tokenizeChat(r.messages(), r.addGenerationPrompt() == null || r.addGenerationPrompt(),
                    Boolean.TRUE.equals(r.addSpecialTokens()));
        }
        List<Integer> tokens = Arrays.stream(ids).boxed().toList();
        List<String> strs = Boolean.TRUE.equals(r.returnTokenStrs())
                ? Arrays.stream(ids).mapToObj(model::tokenText).toList()
                : null;
        return new TokenizeResponse(ids.length, model.maxModelLen(), tokens, strs);
    }

    public DetokenizeResponse detokenize(DetokenizeRequest r) {
        served.resolve(r.model());
        if (r.tokens() == null) {
            throw ApiException.badRequest("tokens is required.", "tokens");
        }
        int[] ids = new int[r.tokens().size()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = r.tokens().get(i);
            if (id == null || id < 0 || id >= model.vocabSize()) {
                throw ApiException.badRequest("Token id " + id + " is out of vocabulary", "tokens");
            }
            ids[i] = id;
        }
        return new DetokenizeResponse(model.detokenize(ids, false));
    }
}
