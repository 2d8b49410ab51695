package org.prime4j.client.protocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.io.DType;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.tokenizer.ByteLevelTokenizerFiles;
import org.prime4j.server.EmbeddedServer;
import org.prime4j.server.ServerOptions;
import org.prime4j.server.djl.DjlServingModel;

/** The embedded DJL server on a tiny random Qwen2 checkpoint in a directory of its own: the contract tests' server. */
final class TinyEmbeddedServer implements AutoCloseable {

    private final Path dir;
    private final EmbeddedServer server;

    private TinyEmbeddedServer(Path dir, EmbeddedServer server) {
        this.dir = dir;
        this.server = server;
    }

    static TinyEmbeddedServer start(ServerOptions options) throws IOException {
        Path dir = Files.createTempDirectory("prime4j-contract-");
        Path model = dir.resolve("tiny");
        ModelConfig config = ModelConfig.tiny(ModelConfig.Architecture.QWEN2, 64, 2, 4, 2, 259);
        try (CausalLM m = CausalLM.random(config, 11, 0.3)) {
            m.save(model, DType.F32, 0);
        }
        ByteLevelTokenizerFiles.write(model, ByteLevelTokenizerFiles.CHATML_SPECIALS);
        return new TinyEmbeddedServer(dir, EmbeddedServer.start(DjlServingModel.load(model, null), options));
    }

    /** The server's base URL without its trailing slash, as the contract wants it. */
    String baseUrl() {
        return server.baseUrl().toString().replaceAll("/$", "");
    }

    @Override
    public void close() throws IOException {
        server.close();
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
