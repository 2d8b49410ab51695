package org.prime4j.orchestrator.client.pool;

import org.prime4j.orchestrator.client.protocol.ServerException;
import org.prime4j.orchestrator.client.protocol.VllmServerClient;

/** One attempt of a request against whichever server the pool picked. It must not change between attempts. */
@FunctionalInterface
public interface ServerCall<T> {
    T apply(VllmServerClient server) throws ServerException;
}
