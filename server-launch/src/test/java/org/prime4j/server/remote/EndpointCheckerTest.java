package org.prime4j.server.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prime4j.server.EmbeddedServer;
import org.prime4j.server.FakeModels;
import org.prime4j.server.ServerOptions;

/** The start-up check of remote endpoints, against the embedded server (which speaks vLLM's protocol). */
class EndpointCheckerTest {

    final Map<String, String> env = Map.of("POLICY_KEY", "k-123", "WRONG_KEY", "nope");
    final EndpointChecker checker = new EndpointChecker(Duration.ofSeconds(2), env::get);

    @Test
    void aHealthyServerWithTheModelAndTheRightKeyPasses() throws Exception {
        try (EmbeddedServer s = EmbeddedServer.start(FakeModels.tiny(Path.of("/m")),
                ServerOptions.loopback("policy-model").withApiKey("k-123"))) {
            assertThat(checker.check(new RemoteEndpoint(s.baseUrl(), "POLICY_KEY", "policy-model",
                    EndpointRole.POLICY))).containsExactly("policy-model");

            assertThatThrownBy(() -> checker.check(new RemoteEndpoint(s.baseUrl(), "WRONG_KEY", "policy-model",
                    EndpointRole.POLICY)))
                    .hasMessageContaining("HTTP 401").hasMessageContaining("WRONG_KEY is wrong")
                    .hasMessageNotContaining("nope");
            assertThatThrownBy(() -> checker.check(new RemoteEndpoint(s.baseUrl(), null, "policy-model",
                    EndpointRole.POLICY))).hasMessageContaining("wants an API key");
            assertThatThrownBy(() -> checker.check(new RemoteEndpoint(s.baseUrl(), "POLICY_KEY", "other",
                    EndpointRole.REFERENCE)))
                    .hasMessageContaining("reference endpoint")
                    .hasMessageContaining("does not serve model 'other'; it serves [policy-model]");
        }
    }

    @Test
    void nothingListeningIsNamed() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        RemoteEndpoint e = new RemoteEndpoint(URI.create("http://127.0.0.1:" + port), null, "m", EndpointRole.POLICY);
        assertThatThrownBy(() -> checker.check(e)).hasMessageContaining("policy endpoint http://127.0.0.1:" + port)
                .hasMessageContaining("no answer from /health");
    }

    @Test
    void badConfigsAreRefused() {
        assertThatThrownBy(() -> new RemoteEndpoint(URI.create("http://h:1/v1"), null, "m", EndpointRole.POLICY))
                .hasMessageContaining("must not end in /v1");
        assertThatThrownBy(() -> new RemoteEndpoint(URI.create("ftp://h:1"), null, "m", EndpointRole.POLICY))
                .hasMessageContaining("http://");
        assertThatThrownBy(() -> new RemoteEndpoint(URI.create("http://h:1"), "sk-live key", "m", EndpointRole.POLICY))
                .hasMessageContaining("api_key_env must name an environment variable");
        RemoteEndpoint unset = new RemoteEndpoint(URI.create("http://h:1"), "UNSET_KEY", "m", EndpointRole.POLICY);
        assertThatThrownBy(() -> unset.apiKey(env::get)).hasMessageContaining("UNSET_KEY, which is not set");
    }
}
