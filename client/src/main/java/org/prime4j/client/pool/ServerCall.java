package org.prime4j.client.pool;

import org.prime4j.client.protocol.ServerException;
import org.prime4j.client.protocol.VllmServerClient;

/** One attempt of a request against whichever server the pool picked. It must not change between attempts. */
@FunctionalInterface
public interface ServerCall<T> {
    T apply(VllmServerClient server) throws ServerException;
}
