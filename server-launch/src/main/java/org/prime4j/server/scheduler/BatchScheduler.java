package org.prime4j.server.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.prime4j.server.model.GeneratedSequence;
import org.prime4j.server.model.PromptScores;
import org.prime4j.server.model.ScoreRequest;
import org.prime4j.server.model.SequenceRequest;
import org.prime4j.server.model.ServingModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every model call on one thread. Each turn it takes the submissions waiting at that moment, whole, up
 * to {@code maxBatch} items (a single larger submission goes alone), and sends their sequences to the model
 * as one batched call, their prompts to score as another. Keeping a submission whole means a request's
 * samples always share one model call, so a seeded request repeats exactly, floating-point sums included. Control work (weight reload, LoRA) goes through the same queue, so it runs between batches: work
 * queued before it finishes on the old weights, work queued after it waits and sees the new ones, and no
 * batch ever sees a half-loaded model.
 */
public final class BatchScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchScheduler.class);

    private sealed interface Work permits Generate, Score, Control, Stop {}

    private record Generate(SequenceRequest request, CompletableFuture<GeneratedSequence> result) implements Work {}

    private record Score(ScoreRequest request, CompletableFuture<PromptScores> result) implements Work {}

    private record Control(ModelTask task, CompletableFuture<Void> result) implements Work {}

    private enum Stop implements Work { INSTANCE }

    /** Work that changes the model; may throw, which fails only its own future. */
    @FunctionalInterface
    public interface ModelTask {
        void run(ServingModel model) throws Exception;
    }

    private final ServingModel model;
    private final int maxBatch;
    /** Each element is one submission, kept whole so a request's sequences share a batch. */
    private final BlockingQueue<List<Work>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Consumer<Integer> batchObserver;
    private volatile boolean running = true;

    public BatchScheduler(ServingModel model, int maxBatch) {
        this(model, maxBatch, size -> {});
    }

    /** {@code batchObserver} sees the size of every batch sent to the model (for metrics and tests). */
    public BatchScheduler(ServingModel model, int maxBatch, Consumer<Integer> batchObserver) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        this.model = Objects.requireNonNull(model, "model");
        this.maxBatch = maxBatch;
        this.batchObserver = batchObserver;
        this.thread = new Thread(this::loop, "prime4j-scheduler");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The futures of one request's work, in the order it was submitted. */
    public record Submission(List<CompletableFuture<PromptScores>> scores,
                             List<CompletableFuture<GeneratedSequence>> sequences) {}

    /**
     * Queues one request's scoring and sampling as one contiguous block, so a weight reload queued by another
     * request lands before or after all of it, never in the middle.
     */
    public Submission submit(List<ScoreRequest> scoreRequests, List<SequenceRequest> sequenceRequests) {
        List<Work> work = new ArrayList<>();
        List<CompletableFuture<PromptScores>> scores = new ArrayList<>();
        List<CompletableFuture<GeneratedSequence>> sequences = new ArrayList<>();
        for (ScoreRequest r : scoreRequests) {
            CompletableFuture<PromptScores> f = new CompletableFuture<>();
            scores.add(f);
            work.add(new Score(r, f));
        }
        for (SequenceRequest r : sequenceRequests) {
            CompletableFuture<GeneratedSequence> f = new CompletableFuture<>();
            sequences.add(f);
            work.add(new Generate(r, f));
        }
        offer(work);
        return new Submission(scores, sequences);
    }

    /** Runs {@code task} alone on the model, after the work already queued and before anything queued later. */
    public CompletableFuture<Void> control(ModelTask task) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        offer(List.of(new Control(task, f)));
        return f;
    }

    /** False once closed or after the scheduler thread died: the server then answers 503 on /health. */
    public boolean healthy() {
        return running && thread.isAlive();
    }

    private void offer(List<Work> work) {
        synchronized (queue) {
            if (running) {
                queue.add(work);
                return;
            }
        }
        fail(work);
    }

    private void loop() {
        List<Work> drained = new ArrayList<>();
        while (true) {
            try {
                drained.clear();
                drained.addAll(queue.take());
                // Add whole waiting submissions while they fit (the first always goes, however large).
                for (List<Work> next = queue.peek(); next != null && drained.size() + next.size() <= maxBatch;
                        next = queue.peek()) {
                    drained.addAll(queue.poll());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            List<Generate> gens = new ArrayList<>();
            List<Score> scores = new ArrayList<>();
            for (Work w : drained) {
                if (w instanceof Generate g) {
                    gens.add(g);
                } else if (w instanceof Score s) {
                    scores.add(s);
                } else {
                    // Control and stop keep their place in line: flush what came before them first.
                    runBatches(gens, scores);
                    if (w instanceof Control c) {
                        runControl(c);
                    } else {
                        failRemaining();
                        return;
                    }
                }
            }
            runBatches(gens, scores);
        }
    }

    private void runBatches(List<Generate> gens, List<Score> scores) {
        if (!gens.isEmpty()) {
            batchObserver.accept(gens.size());
            try {
                List<GeneratedSequence> out = model.generate(gens.stream().map(Generate::request).toList());
                checkSize(out, gens.size());
                for (int i = 0; i < gens.size(); i++) {
                    gens.get(i).result().complete(out.get(i));
                }
            } catch (RuntimeException | Error e) {
                LOG.error("generation batch of {} failed", gens.size(), e);
                gens.forEach(g -> g.result().completeExceptionally(e));
            }
            gens.clear();
        }
        if (!scores.isEmpty()) {
            batchObserver.accept(scores.size());
            try {
                List<PromptScores> out = model.scorePrompts(scores.stream().map(Score::request).toList());
                checkSize(out, scores.size());
                for (int i = 0; i < scores.size(); i++) {
                    scores.get(i).result().complete(out.get(i));
                }
            } catch (RuntimeException | Error e) {
                LOG.error("scoring batch of {} failed", scores.size(), e);
                scores.forEach(s -> s.result().completeExceptionally(e));
            }
            scores.clear();
        }
    }

    private static void checkSize(List<?> out, int expected) {
        if (out.size() != expected) {
            throw new IllegalStateException("the model answered " + out.size() + " of " + expected + " requests");
        }
    }

    private void runControl(Control c) {
        try {
            c.task().run(model);
            c.result().complete(null);
        } catch (Exception | Error e) {
            c.result().completeExceptionally(e);
        }
    }

    private void failRemaining() {
        List<List<Work>> rest = new ArrayList<>();
        queue.drainTo(rest);
        rest.forEach(BatchScheduler::fail);
    }

    private static void fail(List<? extends Work> work) {
        IllegalStateException closed = new IllegalStateException("the server is shutting down");
        for (Work w : work) {
            if (w instanceof Generate g) {
                g.result().completeExceptionally(closed);
            } else if (w instanceof Score s) {
                s.result().completeExceptionally(closed);
            } else if (w instanceof Control c) {
                c.result().completeExceptionally(closed);
            }
        }
    }

    /** Lets queued work finish, then stops the thread. Does not close the model. */
    @Override
    public void close() {
        synchronized (queue) {
            if (!running) {
                return;
            }
            running = false;
            queue.add(List.of(Stop.INSTANCE));
        }
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
