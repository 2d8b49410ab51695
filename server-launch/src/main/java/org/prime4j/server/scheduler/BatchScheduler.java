package org.prime4j.server.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.prime4j.server.model.GeneratedSequence;
import org.prime4j.server.model.PromptScores;
import org.prime4j.server.model.ScoreRequest;
import org.prime4j.server.model.SequenceRequest;
import org.prime4j.server.model.ServingModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every model call on one thread. A submission is cut into chunks of at most {@code maxBatch} items, in
 * order; each turn takes the chunks waiting at that moment, whole, up to {@code maxBatch} items, and sends
 * their sequences to the model as one batched call, their prompts to score as another. Control work (weight
 * reload, LoRA) goes through the same queue, so it runs between batches: work queued before it finishes on the
 * old weights, work queued after it waits and sees the new ones, and no batch ever sees a half-loaded model.
 *
 * <p>Chunking bounds what one request holds: a batch never exceeds {@code maxBatch} (a request of n = 10,000
 * once went to the model as one call and grew the server to 24 GB), and a cancelled submission
 * ({@link Submission#cancel()}, when its client went away) loses its waiting chunks at once; only the chunk
 * already in the model finishes.
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

    /** Up to maxBatch items of one submission, kept whole; {@code cancelled} is the submission's. */
    private record Chunk(List<Work> work, AtomicBoolean cancelled) {
        int size() {
            return work.size();
        }
    }

    private final ServingModel model;
    private final int maxBatch;
    private final BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    /** Sequences submitted and not yet answered: waiting in the queue or in the model. */
    private final AtomicInteger activeSequences = new AtomicInteger();
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
    public final class Submission {
        private final List<CompletableFuture<PromptScores>> scores;
        private final List<CompletableFuture<GeneratedSequence>> sequences;
        private final AtomicBoolean cancelled;

        private Submission(List<CompletableFuture<PromptScores>> scores,
                List<CompletableFuture<GeneratedSequence>> sequences, AtomicBoolean cancelled) {
            this.scores = scores;
            this.sequences = sequences;
            this.cancelled = cancelled;
        }

        public List<CompletableFuture<PromptScores>> scores() {
            return scores;
        }

        public List<CompletableFuture<GeneratedSequence>> sequences() {
            return sequences;
        }

        /** Completes when every future of the submission has (normally, exceptionally or cancelled). */
        public CompletableFuture<Void> done() {
            List<CompletableFuture<?>> all = new ArrayList<>(scores);
            all.addAll(sequences);
            return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
        }

        /**
         * Drops the submission's chunks still waiting (their futures fail with {@link CancellationException});
         * a chunk already in the model runs to the end of its batch.
         */
        public void cancel() {
            if (cancelled.compareAndSet(false, true)) {
                List<Chunk> mine = new ArrayList<>();
                synchronized (queue) {
                    queue.removeIf(c -> {
                        if (c.cancelled() == cancelled) {
                            mine.add(c);
                            return true;
                        }
                        return false;
                    });
                }
                CancellationException gone = new CancellationException("the client went away");
                mine.forEach(c -> fail(c.work(), gone));
            }
        }
    }

    /** Sequences submitted and not yet answered (waiting or in the model): what a disconnect must bring down. */
    public int activeSequences() {
        return activeSequences.get();
    }

    /**
     * Queues one request's scoring and sampling as contiguous chunks, so a weight reload queued by another
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
        AtomicBoolean cancelled = new AtomicBoolean();
        List<Chunk> chunks = new ArrayList<>();
        for (int from = 0; from < work.size(); from += maxBatch) {
            chunks.add(new Chunk(List.copyOf(work.subList(from, Math.min(work.size(), from + maxBatch))),
                    cancelled));
        }
        activeSequences.addAndGet(sequenceRequests.size());
        offer(chunks);
        return new Submission(scores, sequences, cancelled);
    }

    /** Runs {@code task} alone on the model, after the work already queued and before anything queued later. */
    public CompletableFuture<Void> control(ModelTask task) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        offer(List.of(new Chunk(List.of(new Control(task, f)), new AtomicBoolean())));
        return f;
    }

    /** False once closed or after the scheduler thread died: the server then answers 503 on /health. */
    public boolean healthy() {
        return running && thread.isAlive();
    }

    private void offer(List<Chunk> chunks) {
        synchronized (queue) {
            if (running) {
                queue.addAll(chunks);
                return;
            }
        }
        IllegalStateException closed = new IllegalStateException("the server is shutting down");
        chunks.forEach(c -> fail(c.work(), closed));
    }

    private void loop() {
        List<Work> drained = new ArrayList<>();
        while (true) {
            try {
                drained.clear();
                take(queue.take(), drained);
                // Add whole waiting chunks while they fit.
                synchronized (queue) {
                    for (Chunk next = queue.peek(); next != null && drained.size() + next.size() <= maxBatch;
                            next = queue.peek()) {
                        take(queue.poll(), drained);
                    }
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

    /** Adds a chunk's work to the batch, or fails it when its submission was cancelled while it was taken. */
    private void take(Chunk chunk, List<Work> batch) {
        if (chunk.cancelled().get()) {
            fail(chunk.work(), new CancellationException("the client went away"));
        } else {
            batch.addAll(chunk.work());
        }
    }

    private void runBatches(List<Generate> gens, List<Score> scores) {
        if (!gens.isEmpty()) {
            batchObserver.accept(gens.size());
            List<GeneratedSequence> out = null;
            Throwable failure = null;
            try {
                out = model.generate(gens.stream().map(Generate::request).toList());
                checkSize(out, gens.size());
            } catch (RuntimeException | Error e) {
                LOG.error("generation batch of {} failed", gens.size(), e);
                failure = e;
            }
            // The count drops before anyone hears of the result: a caller that has its sequences never sees
            // them still counted as active.
            activeSequences.addAndGet(-gens.size());
            for (int i = 0; i < gens.size(); i++) {
                if (failure != null) {
                    gens.get(i).result().completeExceptionally(failure);
                } else {
                    gens.get(i).result().complete(out.get(i));
                }
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
        List<Chunk> rest = new ArrayList<>();
        synchronized (queue) {
            queue.drainTo(rest);
        }
        IllegalStateException closed = new IllegalStateException("the server is shutting down");
        rest.forEach(c -> fail(c.work(), closed));
    }

    private void fail(List<? extends Work> work, RuntimeException why) {
        for (Work w : work) {
            if (w instanceof Generate g) {
                activeSequences.decrementAndGet();
                g.result().completeExceptionally(why);
            } else if (w instanceof Score s) {
                s.result().completeExceptionally(why);
            } else if (w instanceof Control c) {
                c.result().completeExceptionally(why);
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
            queue.add(new Chunk(List.of(Stop.INSTANCE), new AtomicBoolean()));
        }
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
