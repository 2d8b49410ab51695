package org.prime4j.orchestrator.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.model.tokenizer.ChatMessage;
import org.prime4j.orchestrator.data.BadLinePolicy;

class PromptDatasetTest {

    @TempDir Path dir;

    @Test
    void readsTheEurusLayoutAndItsAlternatives() throws Exception {
        Path f = dir.resolve("train.jsonl");
        Files.writeString(f, String.join("\n",
                "{\"prompt\": [{\"role\": \"system\", \"content\": \"S\"}, {\"role\": \"user\", \"content\": \"1+1?\"}],"
                        + " \"ability\": \"math\", \"reward_model\": {\"ground_truth\": \"2\", \"style\": \"rule\"},"
                        + " \"data_source\": \"numina\"}",
                "",
                "{\"prompt\": \"Write f\", \"ability\": \"code\", \"ground_truth\": {\"inputs\": [1], \"outputs\": [2]},"
                        + " \"fn_name\": \"f\"}",
                "{\"prompt\": \"3+4\", \"answer\": 7}"));
        PromptDataset d = PromptDataset.read(f, new PromptDataset.Options("prompt", true, "math", BadLinePolicy.FAIL, false), w -> {});
        assertEquals(3, d.size());
        PromptItem a = d.get(0);
        assertEquals(List.of(new ChatMessage("system", "S"), new ChatMessage("user", "1+1?")), a.messages());
        assertEquals("2", a.groundTruth());
        assertEquals("numina", a.dataSource());
        assertEquals(f + ":1", a.source());
        PromptItem code = d.get(1);
        assertEquals("code", code.ability());
        assertEquals("{\"inputs\":[1],\"outputs\":[2]}", code.groundTruth());
        assertEquals("f", code.extra().get("fn_name").asText());
        assertEquals(f + ":3", code.source());
        PromptItem plain = d.get(2);
        assertEquals("math", plain.ability());
        assertEquals("7", plain.groundTruth());
        assertEquals(List.of(new ChatMessage("user", "3+4")), plain.messages());

        PromptDataset raw = PromptDataset.read(f, new PromptDataset.Options("prompt", false, "math", BadLinePolicy.FAIL, false), w -> {});
        assertEquals("3+4", raw.get(2).rawText());
        assertNull(raw.get(2).messages());
    }

    @Test
    void badLinesAreAllReportedWithFileLineAndFieldBeforeAnythingStarts() throws Exception {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, String.join("\n",
                "{\"prompt\": \"ok\", \"answer\": 1}",
                "{\"prompt\": \"no truth\"}",
                "not json",
                "{\"question\": \"x\", \"answer\": 1}",
                "{\"prompt\": [{\"role\": \"user\"}], \"answer\": 1}",
                "{\"prompt\": 5, \"answer\": 1}"));
        DataException e = assertThrows(DataException.class,
                () -> PromptDataset.read(f, new PromptDataset.Options("prompt", true, "math", BadLinePolicy.FAIL, false), w -> {}));
        assertEquals(5, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith(f + ":2: reward_model.ground_truth"), e.problems().get(0));
        assertTrue(e.problems().get(1).startsWith(f + ":3: not valid JSON"), e.problems().get(1));
        assertEquals(f + ":4: prompt: missing", e.problems().get(2));
        assertEquals(f + ":5: prompt[0].content: missing or not a string", e.problems().get(3));
        assertTrue(e.problems().get(4).startsWith(f + ":6: prompt: must be a string or a list"));

        List<String> warnings = new ArrayList<>();
        PromptDataset skipped = PromptDataset.read(f, new PromptDataset.Options("prompt", true, "math", BadLinePolicy.SKIP, false), warnings::add);
        assertEquals(1, skipped.size());
        assertEquals(5, warnings.size());
        assertTrue(warnings.get(0).contains(f + ":2"));
    }

    @Test
    void orderIsAPermutationPerEpochReproducibleFromTheCursor() {
        PromptOrder order = new PromptOrder(5, 7, DataCursor.START);
        int[] first = new int[5];
        int[] second = new int[5];
        for (int i = 0; i < 5; i++) {
            first[i] = order.next();
        }
        assertEquals(new DataCursor(0, 5), order.cursor());
        int[] sorted = first.clone();
        Arrays.sort(sorted);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, sorted);
        int a = order.next();
        DataCursor mid = order.cursor();
        assertEquals(new DataCursor(1, 1), mid);
        PromptOrder resumed = new PromptOrder(5, 7, mid);
        second[0] = a;
        for (int i = 1; i < 5; i++) {
            second[i] = order.next();
            assertEquals(second[i], resumed.next());
        }
        assertNotEquals(Arrays.toString(first), Arrays.toString(second), "a new epoch reshuffles");
        assertArrayEquals(first, PromptOrder.permutation(5, 7, 0));
        assertThrows(IllegalArgumentException.class, () -> new PromptOrder(3, 7, new DataCursor(0, 4)));
    }
}
