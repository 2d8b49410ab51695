package org.prime4j.client.protocol;

import java.time.Duration;
import java.util.Optional;

/**
 * A call to one server failed. The message always names the server and the cause, so a failed batch can be
 * traced to the machine that broke it; {@link #retryable()} tells the pool whether another attempt may help.
 */
public final class ServerException extends Exception {

    /** Why a call failed; decides retries and whether the server's circuit breaker counts it. */
    public enum Kind {
        /** Connect refused, reset, or closed mid-reply. */
        CONNECTION(true, true),
        /** No complete reply within the request timeout (a stalled server). */
        TIMEOUT(true, true),
        /** HTTP 5xx. */
        SERVER_ERROR(true, true),
        /** HTTP 429: the server is healthy but full; retry later, do not blame it. */
        RATE_LIMITED(true, false),
        /** HTTP 4xx other than 429: our request is wrong, another attempt would fail the same way. */
        BAD_REQUEST(false, false),
        /** A 200 reply that is not valid JSON, is cut short, or lacks a field we asked for. */
        PROTOCOL(true, true),
        /** Every server is out (open breaker, stale weights) or busy past the wait limit. */
        NO_SERVER(true, false);

        private final boolean retryable;
        private final boolean serverFault;

        Kind(boolean retryable, boolean serverFault) {
            this.retryable = retryable;
            this.serverFault = serverFault;
        }
    }

    private final String server;
    private final Kind kind;
    private final int status;
    private final Duration retryAfter;

    public ServerException(String server, Kind kind, int status, String detail, Duration retryAfter, Throwable cause) {
        super("server " + server + ": " + kind.name().toLowerCase().replace('_', ' ')
                + (status > 0 ? " (HTTP " + status + ")" : "") + ": " + detail, cause);
        this.server = server;
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public ServerException(String server, Kind kind, String detail, Throwable cause) {
        this(server, kind, -1, detail, null, cause);
    }

    public ServerException(String server, Kind kind, String detail) {
        this(server, kind, -1, detail, null, null);
    }

    public String server() {
        return server;
    }

    public Kind kind() {
        return kind;
    }

    /** HTTP status, or -1 when no status line was read. */
    public int status() {
        return status;
    }

    public boolean retryable() {
        return kind.retryable;
    }

    /** True when the failure says something about the server's health (feeds its circuit breaker). */
    public boolean serverFault() {
        return kind.serverFault;
    }

    /** The server's Retry-After, when it sent one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
