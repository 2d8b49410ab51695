package org.prime4j.server.http;

/**
 * What an endpoint sends: JSON of {@code body}, plain text, or nothing.
 *
 * @param status HTTP status
 * @param body   a record to write as JSON, a String to write as text, or null for an empty body
 */
public record Reply(int status, Object body) {

    public static Reply json(Object body) {
        return new Reply(200, body);
    }

    public static Reply empty() {
        return new Reply(200, null);
    }
}
