package org.prime4j.server.http;

import java.util.concurrent.CompletableFuture;

/**
 * A reply still being computed by the scheduler. The router waits for {@link #done()} while it watches the
 * client's connection, and calls {@link #cancel()} if the connection closes first, so the work of a client
 * that gave up leaves the batch instead of running to the end.
 */
public interface Deferred {

    /** Completes (in any way) when {@link #reply()} can be built without waiting. */
    CompletableFuture<?> done();

    /** The reply, once {@link #done()}; may throw ApiException or what the model threw. */
    Reply reply();

    /** The client went away: drop the work not started yet. */
    void cancel();
}
