package org.prime4j.client.pool;

import org.prime4j.client.protocol.ServerException;

/** The outcome of a pool-wide call on one server: {@code error} is null on success. */
public record BroadcastOutcome(String server, ServerException error) {
    public boolean ok() {
        return error == null;
    }
}
