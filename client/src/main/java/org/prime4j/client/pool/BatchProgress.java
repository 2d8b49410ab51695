package org.prime4j.client.pool;

import java.util.concurrent.atomic.LongAdder;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The progress bar of a long batch: requests done, generated tokens/s, requests in flight, retries. */
final class BatchProgress implements AutoCloseable {

    private final ProgressBar bar;
    private final ServerPool pool;
    private final long retriesAtStart;
    private final long startNanos = System.nanoTime();
    private final LongAdder tokens = new LongAdder();

    private BatchProgress(ProgressBar bar, ServerPool pool) {
        this.bar = bar;
        this.pool = pool;
        this.retriesAtStart = pool.totalRetries();
    }

    /** A bar when the pool shows progress and the batch is long enough; otherwise one that draws nothing. */
    static BatchProgress open(ServerPool pool, String operation, int requests) {
        PoolConfig c = pool.config();
        ProgressBar bar = null;
        if (c.progress() && requests >= c.progressMinRequests()) {
            bar = new ProgressBarBuilder()
                    .setTaskName(c.role() + " " + operation)
                    .setInitialMax(requests)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(500)
                    // Without a terminal (logs, CI) the width is unknown and the stats would be cut off.
                    .setConsumer(System.console() == null
                            ? new ConsoleProgressBarConsumer(System.err, 150)
                            : new ConsoleProgressBarConsumer(System.err))
                    .build();
        }
        return new BatchProgress(bar, pool);
    }

    void done(long tokenCount) {
        tokens.add(tokenCount);
        if (bar == null) {
            return;
        }
        double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        bar.setExtraMessage(String.format(" %.0f tok/s, %d in flight, %d retries",
                tokens.sum() / seconds, pool.inFlight(), pool.totalRetries() - retriesAtStart));
        bar.step();
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
