package org.prime4j.orchestrator.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.tokenizer.TextTokenizer;
import org.prime4j.orchestrator.arithmetic.ArithmeticData;
import org.prime4j.orchestrator.arithmetic.ArithmeticModel;
import org.prime4j.orchestrator.data.DataException;
import org.prime4j.orchestrator.data.PromptItem;
import org.prime4j.orchestrator.data.PromptDataset;
import org.prime4j.verifiers.VerifierRegistry;

class EvaluatorTest {

    @Test
    void countsAddUpGreedyAndPassAtK(@TempDir Path dir) throws Exception {
        ArithmeticData.writeAll(dir, 9, 6, 1, 1);
        Path model = dir.resolve("m");
        ArithmeticModel.createRandom(model, ArithmeticModel.config(1, 16, 2), 3);
        List<PromptItem> items = PromptDataset.read(dir.resolve(ArithmeticData.HELD_OUT), PromptDataset.Options.TASKS);
        try (CausalLM m = CausalLM.load(model); TextTokenizer tok = TextTokenizer.load(model)) {
            int[] seen = {0};
            EvalResult greedy = Evaluator.greedy(4, 6).run(m, tok, items, VerifierRegistry.builtIn(), n -> seen[0] = n);
            assertEquals(6, greedy.total());
            assertEquals(6, greedy.correct() + greedy.wrong() + greedy.unanswered());
            assertEquals(6, greedy.samples().size());
            assertEquals(6, seen[0]);
            assertEquals(-1, greedy.passAtK());
            EvalResult sampled = new Evaluator(4, 6, 3, 1.0, 0, java.time.Duration.ofSeconds(5))
                    .run(m, tok, items, VerifierRegistry.builtIn(), null);
            assertEquals(6, sampled.total());
            assertTrue(sampled.passAtK() >= sampled.correct() && sampled.passAtK() <= 6);
        }
    }

    @Test
    void countsThatDoNotAddUpAreRejected() {
        assertThrows(IllegalStateException.class, () -> new EvalResult(3, 1, 1, 0, -1, 1, List.of()));
    }

    @Test
    void badLinesNameFileLineAndField(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, "{\"prompt\": \"1+1\", \"answer\": \"2\"}\n{\"prompt\": \"2+2\"}\n");
        DataException e = assertThrows(DataException.class, () -> PromptDataset.read(f, PromptDataset.Options.TASKS));
        assertTrue(e.getMessage().contains("bad.jsonl:2") && e.getMessage().contains("reward_model.ground_truth"),
                e.getMessage());
        Files.writeString(f, "{\"prompt\": [{\"role\": \"user\"}], \"answer\": \"2\"}\n");
        e = assertThrows(DataException.class, () -> PromptDataset.read(f, PromptDataset.Options.TASKS));
        assertTrue(e.getMessage().contains("bad.jsonl:1") && e.getMessage().contains("prompt[0]"), e.getMessage());
        Files.writeString(f, "{\"prompt\": \"1+1\", \"answer\": \"2\"}\n");
        e = assertThrows(DataException.class, () -> PromptDataset.read(f, PromptDataset.Options.SFT));
        assertTrue(e.getMessage().contains("bad.jsonl:1: response: missing"), e.getMessage());
    }

    @Test
    void readsTheBenchmarkLayouts() throws Exception {
        Path bench = org.prime4j.testkit.RepoFiles.bench("math500_test.jsonl").getParent();
        assertEquals(500, PromptDataset.read(bench.resolve("math500_test.jsonl"), PromptDataset.Options.TASKS).size());
        PromptItem amc = PromptDataset.read(bench.resolve("amc23_test.jsonl"), PromptDataset.Options.TASKS).get(0);
        assertEquals("27.0", amc.groundTruth());
        PromptItem he = PromptDataset.read(bench.resolve("HumanEval.jsonl"), PromptDataset.Options.TASKS).get(0);
        assertEquals("code", he.ability());
    }
}
