package org.prime4j.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.prime4j.model.DjlRuntime;

/**
 * A model's tokenizer, loaded offline from the {@code tokenizer.json} in its directory by DJL's binding of
 * Hugging Face tokenizers, with truncation and padding off (prime4j handles lengths itself). The raw
 * vocabulary strings ({@link #tokenString}, e.g. "Ġthe") come from tokenizer.json directly, because vLLM
 * reports them as {@code decoded_token} and DJL does not expose id-to-token lookup.
 */
public final class TextTokenizer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final HuggingFaceTokenizer tokenizer;
    private final Map<Integer, String> idToToken;
    private final Map<String, Integer> tokenToId;
    private final Set<Integer> specialIds;
    private final List<Integer> eosTokenIds;
    private final ChatTemplate chatTemplate;

    private TextTokenizer(Path dir, HuggingFaceTokenizer tokenizer, Map<Integer, String> idToToken,
                          Map<String, Integer> tokenToId, Set<Integer> specialIds, List<Integer> eosTokenIds,
                          ChatTemplate chatTemplate) {
        this.dir = dir;
        this.tokenizer = tokenizer;
        this.idToToken = idToToken;
        this.tokenToId = tokenToId;
        this.specialIds = specialIds;
        this.eosTokenIds = eosTokenIds;
        this.chatTemplate = chatTemplate;
    }

    /**
     * Loads the tokenizer of the model directory {@code dir}: tokenizer.json (required), plus
     * tokenizer_config.json (eos token, chat template), generation_config.json and config.json (eos ids)
     * where present.
     */
    public static TextTokenizer load(Path dir) throws IOException {
        Path json = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(json)) {
            throw new IOException(dir + ": no tokenizer.json (prime4j loads fast tokenizers only)");
        }
        Map<Integer, String> idToToken = new HashMap<>();
        Map<String, Integer> tokenToId = new HashMap<>();
        Set<Integer> specialIds = new HashSet<>();
        readVocabulary(json, idToToken, tokenToId, specialIds);

        JsonNode tokenizerConfig = readJsonIfPresent(dir.resolve("tokenizer_config.json"));
        Set<Integer> eos = new LinkedHashSet<>();
        String eosToken = tokenizerConfig == null ? null : tokenString(tokenizerConfig.get("eos_token"));
        if (eosToken != null && tokenToId.containsKey(eosToken)) {
            eos.add(tokenToId.get(eosToken));
        }
        JsonNode generation = readJsonIfPresent(dir.resolve("generation_config.json"));
        JsonNode modelConfig = readJsonIfPresent(dir.resolve("config.json"));
        addIds(generation != null ? generation : modelConfig, eos);
        ChatTemplate template = tokenizerConfig == null ? null
                : ChatTemplate.fromTokenizerConfig(dir.resolve("tokenizer_config.json")).orElse(null);

        useCpuNatives();
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(json,
                Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "true"));
        return new TextTokenizer(dir, tokenizer, idToToken, tokenToId, Set.copyOf(specialIds),
                List.copyOf(eos), template);
    }

    /**
     * DJL ships the CPU build of the tokenizers library in its jar; on a CUDA host it would otherwise look
     * for a CUDA build to download. Tokenization gains nothing from a GPU.
     */
    private static void useCpuNatives() {
        DjlRuntime.offline();
        if (System.getenv("RUST_FLAVOR") == null && System.getProperty("RUST_FLAVOR") == null) {
            System.setProperty("RUST_FLAVOR", "cpu");
        }
    }

    private static void readVocabulary(Path json, Map<Integer, String> idToToken, Map<String, Integer> tokenToId,
                                       Set<Integer> specialIds) throws IOException {
        JsonNode root = JSON.readTree(Files.readString(json, StandardCharsets.UTF_8));
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) { // BPE, WordPiece, WordLevel: {token: id}
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                idToToken.put(e.getValue().asInt(), e.getKey());
                tokenToId.put(e.getKey(), e.getValue().asInt());
            }
        } else if (vocab.isArray()) { // Unigram: [[piece, score], ...], id = position
            for (int i = 0; i < vocab.size(); i++) {
                String piece = vocab.get(i).get(0).asText();
                idToToken.put(i, piece);
                tokenToId.putIfAbsent(piece, i);
            }
        } else {
            throw new IOException(json + ": model.vocab is missing");
        }
        for (JsonNode t : root.path("added_tokens")) {
            int id = t.path("id").asInt();
            String content = t.path("content").asText();
            idToToken.put(id, content);
            tokenToId.put(content, id);
            if (t.path("special").asBoolean(false)) {
                specialIds.add(id);
            }
        }
    }

    private static JsonNode readJsonIfPresent(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        return JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    }

    private static String tokenString(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isObject() ? node.path("content").asText(null) : node.asText();
    }

    private static void addIds(JsonNode config, Set<Integer> out) {
        JsonNode ids = config == null ? null : config.get("eos_token_id");
        if (ids == null || ids.isNull()) {
            return;
        }
        if (ids.isArray()) {
            ids.forEach(id -> out.add(id.asInt()));
        } else {
            out.add(ids.asInt());
        }
    }

    /** Token ids of {@code text}; {@code addSpecialTokens} adds what the tokenizer's post-processor adds (BOS). */
    public int[] encode(String text, boolean addSpecialTokens) {
        long[] ids = tokenizer.encode(text, addSpecialTokens, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /** The text of {@code ids}, special tokens included (transformers' decode default). */
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /** The text of {@code ids}; vLLM's completion text skips special tokens. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            checkId(ids[i]);
            longs[i] = ids[i];
        }
        return tokenizer.decode(longs, skipSpecialTokens);
    }

    /** The raw vocabulary string of {@code id} (byte-level symbols such as 'Ġ' kept), as vLLM's decoded_token. */
    public String tokenString(int id) {
        checkId(id);
        return idToToken.get(id);
    }

    /** The id of a vocabulary string (a special token such as "<|im_end|>", or a raw piece). */
    public OptionalInt tokenId(String token) {
        Integer id = tokenToId.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    public boolean isSpecial(int id) {
        return specialIds.contains(id);
    }

    /**
     * Ids that end generation: the tokenizer's eos token, plus generation_config.json's eos_token_id (or
     * config.json's when there is no generation config), as vLLM stops on both.
     */
    public List<Integer> eosTokenIds() {
        return eosTokenIds;
    }

    /** Ids the tokenizer can produce (the model's embedding may have more rows). */
    public int vocabSize() {
        return idToToken.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    }

    /** The chat template of tokenizer_config.json, if it has one. */
    public Optional<ChatTemplate> chatTemplate() {
        return Optional.ofNullable(chatTemplate);
    }

    /** The chat rendered with this model's template and encoded as transformers does (no special tokens added). */
    public int[] encodeChat(List<ChatMessage> messages, boolean addGenerationPrompt) {
        ChatTemplate t = chatTemplate().orElseThrow(() -> new IllegalStateException(
                dir + ": tokenizer_config.json has no chat_template"));
        return encode(t.render(messages, addGenerationPrompt), false);
    }

    private void checkId(int id) {
        if (!idToToken.containsKey(id)) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary of " + dir
                    + " (" + vocabSize() + " ids)");
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    /** For error messages and logs. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        parts.add(dir.toString());
        parts.add(vocabSize() + " ids");
        parts.add("eos " + eosTokenIds);
        return "TextTokenizer" + parts;
    }
}
