package org.prime4j.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.prime4j.model.tokenizer.ChatMessage;
import org.prime4j.server.model.GeneratedSequence;
import org.prime4j.server.model.PromptScores;
import org.prime4j.model.generate.SamplingParams;
import org.prime4j.server.model.ScoreRequest;
import org.prime4j.server.model.SequenceRequest;
import org.prime4j.server.model.ServingModel;

class BatchSchedulerTest {

    /** Logs every call; the first generate call blocks until released, so work piles up behind it. */
    static final class RecordingModel implements ServingModel {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch firstCallStarted = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean failGenerate;

        @Override
        public List<GeneratedSequence> generate(List<SequenceRequest> batch) {
            calls.add("generate " + batch.size());
            firstCallStarted.countDown();
            await(release);
            if (failGenerate) {
                throw new IllegalStateException("boom");
            }
            return batch.stream().map(r -> new GeneratedSequence(new int[] {r.promptIds()[0]}, null, null,
                    GeneratedSequence.Finish.LENGTH)).toList();
        }

        @Override
        public List<PromptScores> scorePrompts(List<ScoreRequest> batch) {
            calls.add("score " + batch.size());
            return batch.stream().map(r -> new PromptScores(new float[0], new int[0], List.of())).toList();
        }

        @Override
        public void reloadWeights(Path dir) {
            calls.add("reload");
        }

        private static void await(CountDownLatch latch) {
            try {
                latch.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override public int maxModelLen() { return 100; }
        @Override public int vocabSize() { return 10; }
        @Override public Path modelPath() { return Path.of("m"); }
        @Override public int[] tokenize(String text, boolean special) { return new int[] {1}; }
        @Override public int[] tokenizeChat(List<ChatMessage> m, boolean gen, boolean special) { return new int[] {1}; }
        @Override public String detokenize(int[] ids, boolean skip) { return ""; }
        @Override public String tokenText(int id) { return ""; }
        @Override public void loadLora(String name, Path dir) {}
        @Override public void unloadLora(String name) {}
        @Override public void close() {}
    }

    static SequenceRequest seq(int id) {
        return new SequenceRequest(new int[] {id}, new SamplingParams(1, 1, 0, (long) id, 1, Set.of(), List.of(), 0, false), null);
    }

    @Test
    void waitingWorkIsBatchedAndAControlTaskKeepsItsPlaceInLine() throws Exception {
        RecordingModel model = new RecordingModel();
        try (BatchScheduler s = new BatchScheduler(model, 8)) {
            BatchScheduler.Submission first = s.submit(List.of(), List.of(seq(1)));
            assertThat(model.firstCallStarted.await(5, TimeUnit.SECONDS)).isTrue();
            // While the model is busy: two requests, a reload, then one more request.
            BatchScheduler.Submission a = s.submit(List.of(new ScoreRequest(new int[] {1, 2}, 0, null)),
                    List.of(seq(2), seq(3)));
            BatchScheduler.Submission b = s.submit(List.of(), List.of(seq(4)));
            CompletableFuture<Void> reload = s.control(m -> m.reloadWeights(Path.of("w")));
            BatchScheduler.Submission c = s.submit(List.of(), List.of(seq(5), seq(6)));
            model.release.countDown();

            assertThat(c.sequences().get(1).get(5, TimeUnit.SECONDS).tokenIds()).containsExactly(6);
            reload.get(5, TimeUnit.SECONDS);
            assertThat(a.sequences().get(0).get().tokenIds()).containsExactly(2);
            assertThat(first.sequences().get(0).get().tokenIds()).containsExactly(1);
            assertThat(b.sequences().get(0).get().tokenIds()).containsExactly(4);
            assertThat(model.calls).containsExactly("generate 1", "generate 3", "score 1", "reload", "generate 2");
        }
    }

    @Test
    void aLargeSubmissionIsCutIntoChunksOfTheBatchCapInOrder() throws Exception {
        RecordingModel model = new RecordingModel();
        model.release.countDown();
        try (BatchScheduler s = new BatchScheduler(model, 3)) {
            List<BatchScheduler.Submission> subs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                subs.add(s.submit(List.of(), List.of(seq(i), seq(i))));
            }
            BatchScheduler.Submission big = s.submit(List.of(), List.of(seq(7), seq(8), seq(9), seq(10), seq(11)));
            for (BatchScheduler.Submission sub : subs) {
                sub.sequences().get(1).get(5, TimeUnit.SECONDS);
            }
            big.done().get(5, TimeUnit.SECONDS);
            // pairs never exceed 3 together (one pair per call); the 5-sequence request goes as 3 then 2
            assertThat(model.calls).allMatch(c -> c.equals("generate 2") || c.equals("generate 3"));
            assertThat(model.calls).contains("generate 3");
            for (int i = 0; i < 5; i++) {
                assertThat(big.sequences().get(i).get().tokenIds()).containsExactly(7 + i);
            }
            assertThat(s.activeSequences()).isZero();
        }
    }

    @Test
    void cancellingDropsTheWaitingChunksAndOnlyTheRunningOneFinishes() throws Exception {
        RecordingModel model = new RecordingModel();
        try (BatchScheduler s = new BatchScheduler(model, 2)) {
            BatchScheduler.Submission big = s.submit(List.of(),
                    List.of(seq(1), seq(2), seq(3), seq(4), seq(5), seq(6), seq(7)));
            assertThat(model.firstCallStarted.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(s.activeSequences()).isEqualTo(7);
            big.cancel();
            // The first chunk of 2 is in the model; the 5 waiting sequences are gone at once.
            assertThat(s.activeSequences()).isEqualTo(2);
            assertThatThrownBy(() -> big.sequences().get(6).join()).isInstanceOf(
                    java.util.concurrent.CancellationException.class);
            BatchScheduler.Submission other = s.submit(List.of(), List.of(seq(9)));
            model.release.countDown();
            assertThat(other.sequences().get(0).get(5, TimeUnit.SECONDS).tokenIds()).containsExactly(9);
            big.done().handle((v, e) -> null).get(5, TimeUnit.SECONDS);
            assertThat(big.sequences().get(0).get().tokenIds()).containsExactly(1);
            assertThat(model.calls).containsExactly("generate 2", "generate 1");
            assertThat(s.activeSequences()).isZero();
        }
    }

    @Test
    void aFailingBatchFailsOnlyItsOwnRequestsAndClosingFailsWhatIsLeft() throws Exception {
        RecordingModel model = new RecordingModel();
        model.failGenerate = true;
        model.release.countDown();
        BatchScheduler s = new BatchScheduler(model, 8);
        CompletableFuture<GeneratedSequence> failed = s.submit(List.of(), List.of(seq(1))).sequences().get(0);
        assertThatThrownBy(() -> failed.join()).isInstanceOf(CompletionException.class).hasRootCauseMessage("boom");
        CompletableFuture<PromptScores> scored =
                s.submit(List.of(new ScoreRequest(new int[] {1}, 0, null)), List.of()).scores().get(0);
        assertThat(scored.get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(s.healthy()).isTrue();
        s.close();
        assertThat(s.healthy()).isFalse();
        CompletableFuture<GeneratedSequence> late = s.submit(List.of(), List.of(seq(2))).sequences().get(0);
        assertThatThrownBy(late::join).hasRootCauseMessage("the server is shutting down");
    }
}
