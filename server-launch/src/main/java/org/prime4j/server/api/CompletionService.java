package org.prime4j.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.CompletableFuture;
import org.prime4j.server.RequestLimits;
import org.prime4j.server.http.Deferred;
import org.prime4j.server.http.Reply;
import org.prime4j.server.model.GeneratedSequence;
import org.prime4j.server.model.PromptScores;
import org.prime4j.model.generate.SamplingParams;
import org.prime4j.server.model.ScoreRequest;
import org.prime4j.server.model.SequenceRequest;
import org.prime4j.server.model.ServingModel;
import org.prime4j.server.model.TopLogprobs;
import org.prime4j.server.scheduler.BatchScheduler;

/**
 * {@code POST /v1/completions}: validates as vLLM does, expands every prompt into its {@code n} sequences,
 * hands them to the scheduler (which batches them with other requests' sequences), and writes vLLM's reply.
 */
public final class CompletionService {

    /** vLLM clamps -inf log-probs (tokens cut by top-k/top-p) to this, so the JSON stays standard. */
    static final double LOGPROB_FLOOR = -9999.0;

    private final ServingModel model;
    private final BatchScheduler scheduler;
    private final ServedModels served;
    private final int maxLogprobs;
    private final RequestLimits limits;

    /**
     * @param limits what one request may ask for, every field set (see {@link RequestLimits#resolve})
     */
    public CompletionService(ServingModel model, BatchScheduler scheduler, ServedModels served, int maxLogprobs,
            RequestLimits limits) {
        this.model = model;
        this.scheduler = scheduler;
        this.served = served;
        this.maxLogprobs = maxLogprobs;
        this.limits = limits;
    }

    /** A prompt as token ids, with its text when the client sent text (echo repeats it verbatim). */
    private record Prompt(int[] ids, String text) {}

    /**
     * Validates the request, then queues its work and returns a reply to wait for. Every limit is checked before
     * any work starts: a string prompt is measured in bytes before it is tokenized.
     */
    public Deferred complete(CompletionRequest req) {
        served.resolve(req.model()); // vLLM answers an unknown model (404) before judging the parameters
        CompletionSettings s = CompletionSettings.of(req, model, maxLogprobs, limits.maxN());
        List<JsonNode> shapes = promptShapes(req.prompt());
        checkBudget(shapes, s);
        List<Prompt> prompts = new ArrayList<>(shapes.size());
        for (JsonNode shape : shapes) {
            Prompt p = shape.isTextual() ? textPrompt(shape.asText()) : new Prompt(tokenIds(shape), null);
            if (p.ids().length == 0) {
                throw ApiException.badRequest("prompt cannot be empty.", "prompt");
            }
            checkLength(p.ids().length, s.maxTokens());
            prompts.add(p);
        }

        int scoreK = s.promptLogprobs() == null ? -1 : s.promptLogprobs();
        Queued queued = served.withTarget(req.model(),
                target -> new Queued(target, enqueue(target, s, prompts, scoreK)));
        return new Deferred() {
            @Override
            public CompletableFuture<?> done() {
                return queued.work().done();
            }

            @Override
            public Reply reply() {
                return Reply.json(respond(queued, s, prompts, scoreK));
            }

            @Override
            public void cancel() {
                queued.work().cancel();
            }
        };
    }

    /**
     * The request's size against the server's limits, from the JSON alone: prompt bytes (a string is not
     * tokenized when it could not fit the context) and prompts x n x max_tokens generated tokens.
     */
    private void checkBudget(List<JsonNode> shapes, CompletionSettings s) {
        for (JsonNode shape : shapes) {
            if (shape.isTextual()) {
                PromptBytes.check(PromptBytes.utf8Length(shape.asText()), limits.maxPromptBytes(), model.maxModelLen(),
                        "prompt");
            }
        }
        // echo with max_tokens 0 still samples one token (vLLM asks its engine for max_tokens=1)
        long perSequence = Math.max(1, s.maxTokens());
        long asked = (long) shapes.size() * s.n() * perSequence;
        if (asked > limits.maxGeneratedTokens()) {
            throw ApiException.badRequest("The request asks for up to " + asked + " generated tokens ("
                    + shapes.size() + (shapes.size() == 1 ? " prompt" : " prompts") + " x n=" + s.n()
                    + " x max_tokens=" + perSequence + "), more than the " + limits.maxGeneratedTokens()
                    + " this server allows per request (--max-generated-tokens). Please reduce n or max_tokens.",
                    "max_tokens");
        }
    }

    /** A request's work in the scheduler's queue, with the model it was resolved to. */
    private record Queued(ServedModels.Target target, BatchScheduler.Submission work) {}

    private BatchScheduler.Submission enqueue(ServedModels.Target target, CompletionSettings s, List<Prompt> prompts,
            int scoreK) {
        List<ScoreRequest> toScore = new ArrayList<>();
        List<SequenceRequest> toSample = new ArrayList<>();
        for (Prompt p : prompts) {
            if (scoreK >= 0) {
                toScore.add(new ScoreRequest(p.ids(), scoreK, target.lora()));
            }
            long base = s.seed() != null ? s.seed() : ThreadLocalRandom.current().nextLong();
            // echo with max_tokens 0: vLLM still samples one token, counts it in usage and drops its text
            int maxTokens = Math.max(1, s.maxTokens());
            for (int i = 0; i < s.n(); i++) {
                // vLLM seeds sample i of a seeded request with seed + i: samples differ, the request repeats.
                // Stop strings reach the model only when its check (text without special tokens) is ours.
                // Whether log-probs are returned at all is the reply's business: the model always has the sampled one.
                SamplingParams params = new SamplingParams(s.temperature(), s.topP(), s.topK(), base + i, maxTokens,
                        s.stopTokenIds(), s.skipSpecial() ? s.stop() : List.of(),
                        s.logprobs() == null ? 0 : s.logprobs(), s.ignoreEos());
                toSample.add(new SequenceRequest(p.ids(), params, target.lora()));
            }
        }
        return scheduler.submit(toScore, toSample);
    }

    private CompletionResponse respond(Queued queued, CompletionSettings s, List<Prompt> prompts, int scoreK) {
        BatchScheduler.Submission work = queued.work();
        ServedModels.Target target = queued.target();
        List<CompletionResponse.Choice> choices = new ArrayList<>();
        int promptTokens = 0;
        int completionTokens = 0;
        int next = 0;
        for (int pi = 0; pi < prompts.size(); pi++) {
            Prompt p = prompts.get(pi);
            promptTokens += p.ids().length;
            PromptScores ps = scoreK >= 0 ? Futures.join(work.scores().get(pi)) : null;
            for (int i = 0; i < s.n(); i++) {
                GeneratedSequence seq = Futures.join(work.sequences().get(next++));
                Trimmed t = trim(seq, s);
                completionTokens += t.ids().length;
                choices.add(choice(pi * s.n() + i, p, ps, seq, t, s));
            }
        }
        return new CompletionResponse("cmpl-" + UUID.randomUUID().toString().replace("-", ""), "text_completion",
                Instant.now().getEpochSecond(), target.name(), choices,
                new CompletionResponse.Usage(promptTokens, promptTokens + completionTokens, completionTokens, null),
                null, null, null);
    }

    /**
     * The four prompt shapes OpenAI allows (a string, token ids, a list of strings, a list of token-id lists),
     * as one node per prompt: a string or an array of ids. Nothing is tokenized here.
     */
    private static List<JsonNode> promptShapes(JsonNode node) {
        if (node == null || node.isNull()) {
            throw ApiException.badRequest("prompt is required.", "prompt");
        }
        List<JsonNode> out = new ArrayList<>();
        if (node.isTextual()) {
            out.add(node);
        } else if (node.isArray() && !node.isEmpty() && node.get(0).isIntegralNumber()) {
            out.add(node);
        } else if (node.isArray() && !node.isEmpty()) {
            for (JsonNode item : node) {
                if (item.isTextual() || item.isArray()) {
                    out.add(item);
                } else {
                    throw badPrompt(node);
                }
            }
        } else {
            throw badPrompt(node);
        }
        return out;
    }

    private Prompt textPrompt(String text) {
        return new Prompt(model.tokenize(text, true), text);
    }

    private int[] tokenIds(JsonNode array) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = array.get(i);
            if (!t.isIntegralNumber()) {
                throw badPrompt(array);
            }
            long id = t.asLong();
            if (id < 0 || id >= model.vocabSize()) {
                throw ApiException.badRequest("Token id " + id + " is out of vocabulary", "prompt");
            }
            ids[i] = (int) id;
        }
        return ids;
    }

    private static ApiException badPrompt(JsonNode node) {
        String shown = node.toString();
        return ApiException.badRequest("prompt must be a string, a list of token ids, a list of strings or a list "
                + "of token-id lists, got " + (shown.length() > 80 ? shown.substring(0, 80) + "..." : shown) + ".",
                "prompt");
    }

    private void checkLength(int inputLen, int maxTokens) {
        int max = model.maxModelLen();
        if (inputLen >= max) {
            throw ApiException.badRequest("This model's maximum context length is " + max + " tokens. However, "
                    + "your request has " + inputLen + " input tokens. Please reduce the length of the input.",
                    "prompt");
        }
        if (inputLen + maxTokens > max) {
            throw ApiException.badRequest("'max_tokens' is too large: " + maxTokens + ". This model's maximum "
                    + "context length is " + max + " tokens and your request has " + inputLen + " input tokens ("
                    + maxTokens + " > " + max + " - " + inputLen + ").", "max_tokens");
        }
    }

    /** A sequence cut where vLLM would report it: at a stop string, without a stopping token's text. */
    private record Trimmed(int[] ids, String text, String finishReason, Object stopReason) {}

    private Trimmed trim(GeneratedSequence seq, CompletionSettings s) {
        int[] ids = seq.tokenIds();
        if (!s.stop().isEmpty()) {
            // vLLM checks stop strings as text grows; the first prefix whose text holds one ends the sequence.
            int longest = s.stop().stream().mapToInt(String::length).max().orElse(0);
            int checkedUpTo = 0;
            for (int t = 1; t <= ids.length; t++) {
                String text = model.detokenize(Arrays.copyOf(ids, t), s.skipSpecial());
                int from = Math.max(0, checkedUpTo - longest + 1);
                int at = -1;
                String hit = null;
                for (String stop : s.stop()) {
                    int i = text.indexOf(stop, from);
                    if (i >= 0 && (at < 0 || i < at)) {
                        at = i;
                        hit = stop;
                    }
                }
                if (hit != null) {
                    String kept = s.includeStop() ? text.substring(0, at + hit.length()) : text.substring(0, at);
                    return new Trimmed(Arrays.copyOf(ids, t), kept, "stop", hit);
                }
                checkedUpTo = text.length();
            }
        }
        if (seq.finish() == GeneratedSequence.Finish.STOP && ids.length > 0) {
            int last = seq.lastToken();
            Object reason = s.stopTokenIds().contains(last) ? (Object) last : null;
            int[] textIds = s.includeStop() ? ids : Arrays.copyOf(ids, ids.length - 1);
            return new Trimmed(ids, model.detokenize(textIds, s.skipSpecial()), "stop", reason);
        }
        return new Trimmed(ids, model.detokenize(ids, s.skipSpecial()), "length", null);
    }

    /** echo with max_tokens 0: the reply shows the prompt only. */
    private static boolean promptOnly(CompletionSettings s) {
        return s.echo() && s.maxTokens() == 0;
    }

    private CompletionResponse.Choice choice(
            int index, Prompt p, PromptScores ps, GeneratedSequence seq, Trimmed t, CompletionSettings s) {
        String text = t.text();
        if (s.echo()) {
            // vLLM echoes no prompt text when token ids are returned, and only the prompt for max_tokens 0
            // (the one token it sampled still counts in usage and token_ids).
            String echoed = s.returnTokenIds() ? ""
                    : p.text() != null ? p.text() : model.detokenize(p.ids(), false);
            text = promptOnly(s) ? echoed : echoed + text;
        }
        CompletionResponse.Logprobs logprobs = s.logprobs() == null ? null : logprobs(p, ps, seq, t, s);
        List<Map<String, CompletionResponse.PromptLogprob>> promptLogprobs =
                s.promptLogprobs() == null ? null : promptLogprobs(p.ids(), ps, s.promptLogprobs(), s.tokensAsIds());
        return new CompletionResponse.Choice(index, text, logprobs, t.finishReason(), t.stopReason(), promptLogprobs,
                s.returnTokenIds() ? boxed(p.ids()) : null, s.returnTokenIds() ? boxed(t.ids()) : null);
    }

    private CompletionResponse.Logprobs logprobs(
            Prompt p, PromptScores ps, GeneratedSequence seq, Trimmed t, CompletionSettings s) {
        List<String> tokens = new ArrayList<>();
        List<Double> tokenLogprobs = new ArrayList<>();
        List<Map<String, Double>> top = new ArrayList<>();
        if (s.echo()) {
            int[] ids = p.ids();
            tokens.add(tokenString(ids[0], s.tokensAsIds()));
            tokenLogprobs.add(null);
            top.add(null);
            for (int j = 1; j < ids.length; j++) {
                tokens.add(tokenString(ids[j], s.tokensAsIds()));
                tokenLogprobs.add(clamp(ps.logprobs()[j - 1]));
                top.add(topMap(ids[j], ps.logprobs()[j - 1], ps.top().get(j - 1), s.logprobs(), s.tokensAsIds()));
            }
        }
        for (int i = 0; i < (promptOnly(s) ? 0 : t.ids().length); i++) {
            int id = t.ids()[i];
            tokens.add(tokenString(id, s.tokensAsIds()));
            float lp = seq.logprobs().length > i ? seq.logprobs()[i] : Float.NaN;
            tokenLogprobs.add(clamp(lp));
            TopLogprobs alternatives = seq.topLogprobs().isEmpty() ? null : seq.topLogprobs().get(i);
            top.add(topMap(id, lp, alternatives, s.logprobs(), s.tokensAsIds()));
        }
        List<Integer> offsets = new ArrayList<>(tokens.size());
        int offset = 0;
        for (String token : tokens) {
            offsets.add(offset);
            offset += token.length();
        }
        return new CompletionResponse.Logprobs(offsets, tokenLogprobs, tokens, top);
    }

    /** The chosen token first, then the top k (one key per token string, as vLLM's dict has). */
    private Map<String, Double> topMap(int id, float lp, TopLogprobs alternatives, int k, boolean asIds) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(tokenString(id, asIds), clamp(lp));
        if (alternatives != null) {
            for (int r = 0; r < Math.min(k, alternatives.size()); r++) {
                m.putIfAbsent(tokenString(alternatives.tokenIds()[r], asIds), clamp(alternatives.logprobs()[r]));
            }
        }
        return m;
    }

    /** vLLM's prompt_logprobs: null, then per token {"<id>": {logprob, rank, decoded_token}} with the top k. */
    private List<Map<String, CompletionResponse.PromptLogprob>> promptLogprobs(
            int[] ids, PromptScores ps, int k, boolean asIds) {
        List<Map<String, CompletionResponse.PromptLogprob>> out = new ArrayList<>(ids.length);
        out.add(null);
        for (int j = 1; j < ids.length; j++) {
            Map<String, CompletionResponse.PromptLogprob> m = new LinkedHashMap<>();
            m.put(Integer.toString(ids[j]), new CompletionResponse.PromptLogprob(
                    clamp(ps.logprobs()[j - 1]), ps.ranks()[j - 1], tokenString(ids[j], asIds)));
            TopLogprobs top = ps.top().get(j - 1);
            for (int r = 0; r < Math.min(k, top.size()); r++) {
                int alt = top.tokenIds()[r];
                m.putIfAbsent(Integer.toString(alt), new CompletionResponse.PromptLogprob(
                        clamp(top.logprobs()[r]), r + 1, tokenString(alt, asIds)));
            }
            out.add(m);
        }
        return out;
    }

    private String tokenString(int id, boolean asIds) {
        return asIds ? "token_id:" + id : model.tokenText(id);
    }

    private static double clamp(float lp) {
        return Math.max(lp, LOGPROB_FLOOR);
    }

    private static List<Integer> boxed(int[] ids) {
        return Arrays.stream(ids).boxed().toList();
    }
}
