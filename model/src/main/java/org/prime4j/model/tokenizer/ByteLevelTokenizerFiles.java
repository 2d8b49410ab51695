package org.prime4j.model.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes the Hugging Face tokenizer files of a byte-level tokenizer for tiny models: GPT-2's ByteLevel
 * pre-tokenizer and decoder over a BPE model whose vocabulary is the 256 byte symbols (token id = byte
 * value) with no merges, plus special tokens from id 256 on. Tiny models thus carry real
 * {@code tokenizer.json} / {@code tokenizer_config.json} files (loadable by transformers, vLLM and
 * {@link TextTokenizer}) and share one code path with real models.
 */
public final class ByteLevelTokenizerFiles {

    /** The special tokens of a ChatML model, in id order (256, 257, 258). */
    public static final List<String> CHATML_SPECIALS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ByteLevelTokenizerFiles() {}

    /**
     * Writes tokenizer.json and tokenizer_config.json (with the ChatML chat template) into {@code dir}. The
     * eos token is {@code <|im_end|>} when listed, else the first special token.
     */
    public static void write(Path dir, List<String> specialTokens) throws IOException {
        if (specialTokens.isEmpty()) {
            throw new IllegalArgumentException("a byte-level tokenizer needs at least one special token (its eos)");
        }
        if (new HashSet<>(specialTokens).size() != specialTokens.size()) {
            throw new IllegalArgumentException("duplicate special tokens in " + specialTokens);
        }
        String eos = specialTokens.contains("<|im_end|>") ? "<|im_end|>" : specialTokens.get(0);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("tokenizer.json"), JSON.writeValueAsString(tokenizerJson(specialTokens)),
                StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("tokenizer_config.json"),
                JSON.writeValueAsString(tokenizerConfig(specialTokens, eos)), StandardCharsets.UTF_8);
    }

    /** The id {@link #write} gives {@code token}. */
    public static int specialTokenId(List<String> specialTokens, String token) {
        int i = specialTokens.indexOf(token);
        if (i < 0) {
            throw new IllegalArgumentException(token + " is not among " + specialTokens);
        }
        return 256 + i;
    }

    /** prime4j's ChatML template (a main resource, also read by the fixture script). */
    public static String chatmlTemplate() {
        try (InputStream in = ByteLevelTokenizerFiles.class.getResourceAsStream("chatml.jinja")) {
            if (in == null) {
                throw new IllegalStateException("chatml.jinja is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * GPT-2's reversible map from bytes to printable characters: printable Latin-1 bytes map to themselves,
     * the rest to U+0100 upwards in byte order (so the space byte is 'Ġ').
     */
    static String byteSymbol(int b) {
        if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) {
            return String.valueOf((char) b);
        }
        int n = 0;
        for (int x = 0; x < b; x++) {
            if (!((x >= '!' && x <= '~') || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE && x <= 0xFF))) {
                n++;
            }
        }
        return String.valueOf((char) (256 + n));
    }

    private static ObjectNode byteLevel(boolean addPrefixSpace) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", addPrefixSpace);
        n.put("trim_offsets", true);
        n.put("use_regex", true);
        return n;
    }

    private static ObjectNode tokenizerJson(List<String> specials) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < specials.size(); i++) {
            ObjectNode t = added.addObject();
            t.put("id", 256 + i);
            t.put("content", specials.get(i));
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(false));
        root.set("post_processor", byteLevel(false));
        root.set("decoder", byteLevel(true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int b = 0; b < 256; b++) {
            vocab.put(byteSymbol(b), b);
        }
        model.putArray("merges");
        return root;
    }

    private static ObjectNode tokenizerConfig(List<String> specials, String eos) {
        ObjectNode root = JSON.createObjectNode();
        root.put("tokenizer_class", "PreTrainedTokenizerFast");
        root.put("add_prefix_space", false);
        ObjectNode decoder = root.putObject("added_tokens_decoder");
        for (int i = 0; i < specials.size(); i++) {
            ObjectNode t = decoder.putObject(Integer.toString(256 + i));
            t.put("content", specials.get(i));
            t.put("lstrip", false);
            t.put("normalized", false);
            t.put("rstrip", false);
            t.put("single_word", false);
            t.put("special", true);
        }
        Set<String> extra = new java.util.LinkedHashSet<>(specials);
        extra.remove(eos);
        extra.forEach(root.putArray("additional_special_tokens")::add);
        root.putNull("bos_token");
        root.put("eos_token", eos);
        root.put("pad_token", specials.get(0));
        root.put("clean_up_tokenization_spaces", false);
        root.put("model_max_length", 2048);
        root.put("chat_template", chatmlTemplate());
        return root;
    }
}
