package org.prime4j.orchestrator.sft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.PaddedBatch;
import org.prime4j.model.tokenizer.TextTokenizer;
import org.prime4j.orchestrator.arithmetic.ArithmeticData;
import org.prime4j.orchestrator.arithmetic.ArithmeticModel;
import org.prime4j.orchestrator.eval.Evaluator;
import org.prime4j.orchestrator.data.PromptItem;
import org.prime4j.orchestrator.data.PromptDataset;

class SftTest {

    @Test
    void lossCoversResponseColumnsOnly() {
        List<SftExample> batch = List.of(new SftExample(new int[] {1, 2, 3}, new int[] {4, 5}),
                new SftExample(new int[] {1}, new int[] {6, 7, 8}));
        PaddedBatch padded = PaddedBatch.leftPad(List.of(batch.get(0).sequence(), batch.get(1).sequence()), 0);
        // width 5, 4 log-prob columns; column j predicts token j + 1
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 1, 1, 1}, SftTrainer.responseMask(batch, padded));
    }

    @Test
    void aFewStepsLowerTheLossAndWriteALoadableCheckpoint(@TempDir Path dir) throws Exception {
        ArithmeticData.writeAll(dir, 5, 4, 1, 8);
        Path init = dir.resolve("init");
        ArithmeticModel.createRandom(init, ArithmeticModel.config(1, 16, 2), 1);
        List<PromptItem> train = PromptDataset.read(dir.resolve(ArithmeticData.SFT), PromptDataset.Options.SFT);
        List<PromptItem> held = PromptDataset.read(dir.resolve(ArithmeticData.HELD_OUT), PromptDataset.Options.TASKS);
        Path out = dir.resolve("sft");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SftRun.Summary s = new SftRun(new SftSettings(30, 8, 1e-2, 0.0, 0, false, 1.0, 0, 0),
                new PrintStream(log, true)).run(init, train, held, Evaluator.greedy(4, 8), out, false);
        assertTrue(s.lastLoss() < s.firstLoss() * 0.7, s.firstLoss() + " -> " + s.lastLoss());
        assertEquals(4, s.finalEval().total());
        assertTrue(log.toString().contains("held-out greedy accuracy"), log.toString());
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        try (CausalLM trained = CausalLM.load(out); CausalLM before = CausalLM.load(init);
             TextTokenizer tok = TextTokenizer.load(out)) {
            assertEquals(1, trained.config().numHiddenLayers());
            assertTrue(tok.eosTokenIds().contains(ArithmeticModel.EOS));
            float[] a = trained.toHost().get("model.embed_tokens.weight").toFloatArray();
            float[] b = before.toHost().get("model.embed_tokens.weight").toFloatArray();
            assertTrue(!java.util.Arrays.equals(a, b), "SFT changed no weight");
        }
    }

    @Test
    void cosineScheduleWarmsUpAndDecays() {
        SftSettings s = new SftSettings(110, 1, 1.0, 0, 10, true, 1, 0, 0);
        assertEquals(0.1, s.lrAt(0), 1e-12);
        assertEquals(1.0, s.lrAt(10), 1e-12);
        assertEquals(0.5, s.lrAt(60), 1e-12);
        assertTrue(s.lrAt(109) < 0.01);
    }
}
