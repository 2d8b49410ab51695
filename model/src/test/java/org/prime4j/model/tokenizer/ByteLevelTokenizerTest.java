package org.prime4j.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The byte-level tokenizer files, loaded through DJL's Hugging Face tokenizers like any model's. */
class ByteLevelTokenizerTest {

    @TempDir
    static Path dir;

    private static TextTokenizer tok;

    @BeforeAll
    static void load() throws IOException {
        ByteLevelTokenizerFiles.write(dir, ByteLevelTokenizerFiles.CHATML_SPECIALS);
        tok = TextTokenizer.load(dir);
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    private static int[] utf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xFF;
        }
        return out;
    }

    @Test
    void gpt2ByteSymbols() {
        assertThat(ByteLevelTokenizerFiles.byteSymbol(' ')).isEqualTo("\u0120"); // Ġ
        assertThat(ByteLevelTokenizerFiles.byteSymbol('\n')).isEqualTo("\u010A"); // Ċ
        assertThat(ByteLevelTokenizerFiles.byteSymbol(0)).isEqualTo("\u0100");
        assertThat(ByteLevelTokenizerFiles.byteSymbol(0x7F)).isEqualTo("\u0121");
        assertThat(ByteLevelTokenizerFiles.byteSymbol(0xAD)).isEqualTo("\u0143");
        assertThat(ByteLevelTokenizerFiles.byteSymbol('A')).isEqualTo("A");
        assertThat(ByteLevelTokenizerFiles.byteSymbol(0xE9)).isEqualTo("\u00E9");
        Set<String> all = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            all.add(ByteLevelTokenizerFiles.byteSymbol(b));
        }
        assertThat(all).hasSize(256);
    }

    @Test
    void asciiIdsAreTheBytesAndRoundTrip() {
        for (String s : List.of("Hello, world!", "12+34-5 = 41\n\\boxed{41}", "  two  spaces\tand tab ", "a")) {
            int[] ids = tok.encode(s, true);
            assertThat(ids).as(s).containsExactly(utf8(s));
            assertThat(tok.decode(ids)).isEqualTo(s);
        }
    }

    @Test
    void unicodeIsEncodedAsItsUtf8Bytes() {
        String s = "héllo wörld 你好 😀 ∑x²";
        int[] ids = tok.encode(s, false);
        assertThat(ids).containsExactly(utf8(s));
        assertThat(tok.decode(ids)).isEqualTo(s);
    }

    @Test
    void specialTokensAreSingleIdsAndCanBeSkippedOnDecode() {
        String s = "<|im_start|>user\nWhat is 2+3?<|im_end|>\n<|im_start|>assistant\n";
        int[] ids = tok.encode(s, true);
        int start = tok.tokenId("<|im_start|>").orElseThrow();
        int end = tok.tokenId("<|im_end|>").orElseThrow();
        assertThat(start).isEqualTo(257);
        assertThat(end).isEqualTo(258);
        int[] expected = concat(new int[] {start}, utf8("user\nWhat is 2+3?"), new int[] {end}, utf8("\n"),
                new int[] {start}, utf8("assistant\n"));
        assertThat(ids).containsExactly(expected);
        assertThat(tok.decode(ids)).isEqualTo(s);
        assertThat(tok.decode(ids, true)).isEqualTo("user\nWhat is 2+3?\nassistant\n");
        assertThat(tok.isSpecial(end)).isTrue();
        assertThat(tok.isSpecial('a')).isFalse();
    }

    @Test
    void rawVocabularyStringsEosAndSize() {
        assertThat(tok.tokenString(' ')).isEqualTo("Ġ");
        assertThat(tok.tokenString('x')).isEqualTo("x");
        assertThat(tok.tokenString(256)).isEqualTo("<|endoftext|>");
        assertThat(tok.eosTokenIds()).containsExactly(258);
        assertThat(tok.vocabSize()).isEqualTo(259);
        assertThatThrownBy(() -> tok.tokenString(259)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("259");
        assertThatThrownBy(() -> tok.decode(new int[] {1, 999})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("999");
    }

    @Test
    void chatmlTemplateRendersAndEncodes() {
        List<ChatMessage> chat = List.of(ChatMessage.user("2+3?"));
        String text = tok.chatTemplate().orElseThrow().render(chat, true);
        assertThat(text).isEqualTo("<|im_start|>user\n2+3?<|im_end|>\n<|im_start|>assistant\n");
        assertThat(tok.encodeChat(chat, true)).containsExactly(tok.encode(text, false));
    }

    @Test
    void eosIdsAlsoComeFromGenerationConfig(@TempDir Path other) throws IOException {
        ByteLevelTokenizerFiles.write(other, List.of("<|endoftext|>", "<|eot|>"));
        Files.writeString(other.resolve("generation_config.json"), "{\"eos_token_id\": [256, 257]}");
        try (TextTokenizer t = TextTokenizer.load(other)) {
            assertThat(t.eosTokenIds()).containsExactly(256, 257);
        }
    }

    @Test
    void missingTokenizerJsonIsAClearError(@TempDir Path empty) {
        assertThatThrownBy(() -> TextTokenizer.load(empty)).isInstanceOf(IOException.class)
                .hasMessageContaining("tokenizer.json").hasMessageContaining(empty.toString());
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }
}
