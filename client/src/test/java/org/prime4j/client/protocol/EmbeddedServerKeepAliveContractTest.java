package org.prime4j.client.protocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.io.DType;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.tokenizer.ByteLevelTokenizerFiles;
import org.prime4j.server.EmbeddedServer;
import org.prime4j.server.ServerOptions;
import org.prime4j.server.djl.DjlServingModel;

/**
 * {@link EmbeddedServerContractTest} with the server checking for a departed client after 1 ms instead of 1 s,
 * so every completion goes out as a committed 200 whose chunked body starts with keep-alive spaces (what a
 * long request gets from {@code prime4j serve}): the client must read it as the same reply.
 */
class EmbeddedServerKeepAliveContractTest extends VllmProtocolContract {

    private static Path dir;
    private static EmbeddedServer server;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("prime4j-keepalive-");
        Path model = dir.resolve("tiny");
        ModelConfig config = ModelConfig.tiny(ModelConfig.Architecture.QWEN2, 64, 2, 4, 2, 259);
        try (CausalLM m = CausalLM.random(config, 11, 0.3)) {
            m.save(model, DType.F32, 0);
        }
        ByteLevelTokenizerFiles.write(model, ByteLevelTokenizerFiles.CHATML_SPECIALS);
        server = EmbeddedServer.start(DjlServingModel.load(model, null), ServerOptions.loopback("tiny").withDisconnectCheckMillis(1));
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Override
    protected String baseUrl() {
        return server.baseUrl().toString().replaceAll("/$", "");
    }
}
