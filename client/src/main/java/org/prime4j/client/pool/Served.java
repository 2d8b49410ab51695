package org.prime4j.client.pool;

/** A result with the server that produced it and the attempt it took, so results can be traced. */
public record Served<T>(T value, String server, int attempt) {}
