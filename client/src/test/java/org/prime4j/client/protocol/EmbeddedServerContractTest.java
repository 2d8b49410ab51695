package org.prime4j.client.protocol;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.prime4j.server.ServerOptions;

/**
 * The same protocol contract that {@link HandWrittenVllmRepliesTest} runs against hand-written vLLM-shaped replies, run
 * against the embedded DJL server on a tiny random Qwen2 checkpoint: the orchestrator's client cannot tell
 * the two apart.
 */
class EmbeddedServerContractTest extends VllmProtocolContract {

    private static TinyEmbeddedServer server;

    @BeforeAll
    static void start() throws IOException {
        server = TinyEmbeddedServer.start(ServerOptions.loopback("tiny"));
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
