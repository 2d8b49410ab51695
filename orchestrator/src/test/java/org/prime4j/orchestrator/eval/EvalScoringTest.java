package org.prime4j.orchestrator.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.client.protocol.ChatMessage;
import org.prime4j.orchestrator.data.PromptDataset;
import org.prime4j.orchestrator.data.PromptItem;
import org.prime4j.testkit.RepoFiles;
import org.prime4j.verifiers.VerifierRegistry;

/** MATH-500 items scored without a model: their own worked solutions against a wrong answer. */
class EvalScoringTest {

    @Test
    void math500ItemsCarrySubjectAndLevelAndTheReportBreaksThemDown(@TempDir Path dir) throws Exception {
        List<PromptItem> items = PromptDataset.read(RepoFiles.bench("math500_test.jsonl"), PromptDataset.Options.TASKS)
                .subList(0, 12);
        List<List<String>> responses = new ArrayList<>();
        List<List<Boolean>> truncated = new ArrayList<>();
        for (PromptItem item : items) {
            String solution = item.extra().get("solution").asText();
            responses.add(List.of(solution, solution, "So the answer is \\boxed{\\text{nothing}}.", "I do not know.\nSorry."));
            truncated.add(List.of(false, false, false, true));
        }
        EvalReport report;
        try (EvalScoring scoring = new EvalScoring(VerifierRegistry.builtIn(), 2, Duration.ofSeconds(20))) {
            scoring.prepare(items);
            report = new EvalReport(Map.of("k", 4), scoring.score(items, responses, truncated));
        }
        ItemResult first = report.items().get(0);
        assertEquals("test/precalculus/807.json", first.id());
        assertEquals("Precalculus", first.subject());
        assertEquals("2", first.level());
        assertNull(first.answers().get(3), "no answer in two lines without math");
        assertEquals(first.votes().get(0), first.votes().get(1));
        assertEquals(0, first.majority());
        for (ItemResult r : report.items()) {
            assertEquals(2, r.correct(), r.id() + " " + r.reasons());
            assertTrue(r.majorityCorrect(), r.id());
        }
        EvalReport.Figures all = report.overall();
        assertEquals(0.5, all.passAt1(), 1e-12);
        assertEquals(1.0, all.passAtK(), 1e-12);
        assertEquals(1.0, all.majAtK(), 1e-12);
        assertTrue(report.by(ItemResult::subject).size() > 1);
        List<String> levels = report.by(ItemResult::level).stream().map(EvalReport.Figures::group).toList();
        assertEquals(levels.stream().sorted().toList(), levels, "levels in order");

        report.writeTo(dir);
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertEquals(12, summary.get("items").asInt());
        assertEquals(12, summary.get("truncated_responses").asInt());
        assertEquals(report.by(ItemResult::subject).size(), summary.get("by_subject").size());
        String md = Files.readString(dir.resolve("summary.md"));
        assertTrue(md.contains("## By subject") && md.contains("## By level") && md.contains("| Precalculus |"), md);
        assertEquals(12, Files.readAllLines(dir.resolve("items.jsonl")).size());
    }

    @Test
    void templatesRenderTheProblem(@TempDir Path dir) throws Exception {
        PromptItem item = PromptDataset.read(RepoFiles.bench("math500_test.jsonl"), PromptDataset.Options.TASKS).get(0);
        String problem = item.extra().get("problem").asText();
        PromptTemplate.Prompt qwen = PromptTemplate.parse("qwen-boxed").render(item);
        assertEquals(List.of(new ChatMessage("system", PromptTemplate.QWEN_BOXED_SYSTEM), new ChatMessage("user", problem)),
                qwen.messages());
        assertEquals(problem, PromptTemplate.parse("raw").render(item).raw());
        assertEquals(List.of(new ChatMessage("user", problem)), PromptTemplate.dataset().render(item).messages());
        Path file = Files.writeString(dir.resolve("t.txt"), "Q: {problem}\nA:");
        assertEquals("Q: " + problem + "\nA:", PromptTemplate.parse(file.toString()).render(item).raw());
        assertNotNull(PromptTemplate.parse(null));
    }
}
