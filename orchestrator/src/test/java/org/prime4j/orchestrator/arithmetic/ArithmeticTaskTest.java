package org.prime4j.orchestrator.arithmetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.orchestrator.data.PromptItem;
import org.prime4j.orchestrator.data.PromptDataset;
import org.prime4j.verifiers.VerificationItem;
import org.prime4j.verifiers.math.MathVerifier;

class ArithmeticTaskTest {

    private static final MathVerifier VERIFIER = new MathVerifier();

    @Test
    void everyWorkedAnswerVerifiesAndAPerturbedOneFails(@TempDir Path dir) throws Exception {
        ArithmeticData.writeAll(dir, 7, 100, 300, 200);
        for (String file : List.of(ArithmeticData.HELD_OUT, ArithmeticData.TRAIN, ArithmeticData.SFT)) {
            for (PromptItem item : PromptDataset.read(dir.resolve(file), PromptDataset.Options.SFT)) {
                assertEquals("math", item.ability());
                assertEquals(1.0, VERIFIER.verify(VerificationItem.of(item.response(), item.groundTruth())).score(),
                        file + ":" + item.line() + " " + item.response());
                int truth = Integer.parseInt(item.groundTruth());
                String perturbed = item.response().replace("\\boxed{" + truth + "}", "\\boxed{" + (truth + 1) + "}");
                assertEquals(0.0, VERIFIER.verify(VerificationItem.of(perturbed, item.groundTruth())).score(), perturbed);
            }
        }
    }

    /** The loop tokenizes prompts as chat messages; with the bare template that is the plain text's bytes. */
    @Test
    void bareChatTemplateTokenizesLikeThePlainPrompt(@TempDir Path dir) throws Exception {
        ArithmeticModel.writeTokenizer(dir);
        try (org.prime4j.model.tokenizer.TextTokenizer tok = org.prime4j.model.tokenizer.TextTokenizer.load(dir)) {
            String prompt = new ArithmeticProblem(47, '+', 18, '-', 25).prompt();
            int[] chat = org.prime4j.orchestrator.data.PromptEncoder.encode(tok,
                    List.of(org.prime4j.model.tokenizer.ChatMessage.user(prompt)));
            org.junit.jupiter.api.Assertions.assertArrayEquals(tok.encode(prompt, false), chat);
            assertEquals(prompt.length(), chat.length);
            assertEquals(List.of(ArithmeticModel.EOS), tok.eosTokenIds());
        }
    }

    @Test
    void workedAnswerShowsOneLinePerOperation() {
        ArithmeticProblem p = new ArithmeticProblem(39, '-', 47, '-', 19);
        assertEquals("What is 39-47-19?\n", p.prompt());
        assertEquals("39-47=-8\n-8-19=-27\n\\boxed{-27}", p.workedAnswer());
        assertEquals(-27, p.answer());
    }

    @Test
    void splitsAreDeterministicAndHeldOutNeverAppearsInTraining() {
        List<List<ArithmeticProblem>> a = ArithmeticData.splits(3, 200, 5000);
        assertEquals(a, ArithmeticData.splits(3, 200, 5000));
        Set<String> held = a.get(0).stream().map(ArithmeticProblem::expression).collect(Collectors.toSet());
        assertEquals(200, held.size());
        assertTrue(a.get(1).stream().noneMatch(p -> held.contains(p.expression())));
        assertFalse(a.equals(ArithmeticData.splits(4, 200, 5000)));
    }

    /** The committed example files are what the generator writes for the seed and sizes in their README. */
    @Test
    void committedDataIsReproducible(@TempDir Path dir) throws Exception {
        Path examples = org.prime4j.testkit.RepoFiles.example("arithmetic");
        ArithmeticData.writeAll(dir, 2026, 500, 4000, 1);
        for (String f : List.of(ArithmeticData.HELD_OUT, ArithmeticData.TRAIN)) {
            assertEquals(Files.readString(examples.resolve(f)), Files.readString(dir.resolve(f)), f);
        }
    }

    @Test
    void promptsAndAnswersHaveTheDesignedLengths() {
        Set<Integer> lengths = new HashSet<>();
        for (ArithmeticProblem p : ArithmeticData.splits(1, 500).get(0)) {
            assertTrue(p.prompt().length() >= 17 && p.prompt().length() <= 18, p.prompt());
            lengths.add(p.workedAnswer().length());
        }
        assertTrue(lengths.stream().allMatch(n -> n >= 22 && n <= 34), lengths.toString());
    }
}
