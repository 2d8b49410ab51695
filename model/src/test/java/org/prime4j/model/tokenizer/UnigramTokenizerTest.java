package org.prime4j.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A SentencePiece-style (Unigram, Metaspace) tokenizer.json: ids are vocabulary positions. */
class UnigramTokenizerTest {

    @Test
    void unigramVocabularyIsReadByPosition(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), """
                {"version": "1.0", "truncation": null, "padding": null,
                 "added_tokens": [{"id": 0, "content": "<unk>", "single_word": false, "lstrip": false,
                                   "rstrip": false, "normalized": false, "special": true},
                                  {"id": 6, "content": "</s>", "single_word": false, "lstrip": false,
                                   "rstrip": false, "normalized": false, "special": true}],
                 "normalizer": null,
                 "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always",
                                   "split": true},
                 "post_processor": null,
                 "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always",
                             "split": true},
                 "model": {"type": "Unigram", "unk_id": 0, "byte_fallback": false,
                           "vocab": [["<unk>", 0.0], ["\u2581hello", -1.0], ["\u2581world", -1.0],
                                     ["\u2581", -2.0], ["h", -3.0], ["i", -3.0], ["</s>", 0.0]]}}
                """);
        Files.writeString(dir.resolve("config.json"), "{\"eos_token_id\": 6}");
        try (TextTokenizer t = TextTokenizer.load(dir)) {
            assertThat(t.encode("hello world", false)).containsExactly(1, 2);
            assertThat(t.encode("hi", false)).containsExactly(3, 4, 5);
            assertThat(t.decode(new int[] {1, 2})).isEqualTo("hello world");
            assertThat(t.tokenString(2)).isEqualTo("\u2581world");
            assertThat(t.tokenId("\u2581hello")).hasValue(1);
            assertThat(t.eosTokenIds()).containsExactly(6);
            assertThat(t.vocabSize()).isEqualTo(7);
            assertThat(t.isSpecial(6)).isTrue();
            assertThat(t.chatTemplate()).isEmpty();
        }
    }
}
