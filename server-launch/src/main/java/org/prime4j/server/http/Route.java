package org.prime4j.server.http;

/** One endpoint: reads the request, returns what to send. Throws ApiException for client errors. */
@FunctionalInterface
public interface Route {
    Reply handle(Request request) throws Exception;
}
