package org.prime4j.client.protocol;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.prime4j.server.ServerOptions;

/**
 * {@link EmbeddedServerContractTest} with the server checking for a departed client after 1 ms instead of 1 s,
 * so every completion goes out as a committed 200 whose chunked body starts with keep-alive spaces (what a
 * long request gets from {@code prime4j serve}): the client must read it as the same reply.
 */
class EmbeddedServerKeepAliveContractTest extends VllmProtocolContract {

    private static TinyEmbeddedServer server;

    @BeforeAll
    static void start() throws IOException {
        server = TinyEmbeddedServer.start(ServerOptions.loopback("tiny").withDisconnectCheckMillis(1));
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected String baseUrl() {
        return server.baseUrl();
    }
}
