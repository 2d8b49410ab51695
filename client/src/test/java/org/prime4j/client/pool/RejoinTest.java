package org.prime4j.client.pool;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.prime4j.client.RolloutClient;
import org.prime4j.client.SamplingOptions;

/**
 * A real loopback server that dies while the pool holds keep-alive connections to it, and is restarted on the
 * same port. The pool's HTTP/1.1 connection pool still holds the dead process's connections; OkHttp reuses an
 * idle connection for a GET without checking it, so each probe on one of them failed and re-opened the
 * breaker for another open duration. Probes run on demand and the breakers read a {@link ManualClock}.
 */
@Timeout(60)
class RejoinTest {

    private static final int[] PROMPT = {42, 5, 6};

    private final List<WireMockServer> started = new ArrayList<>();
    private RolloutClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        started.forEach(WireMockServer::stop);
    }

    private WireMockServer serve(int port) {
        WireMockServer s = new WireMockServer(options().port(port).bindAddress("127.0.0.1")
                .containerThreads(40).jettyAcceptors(1));
        s.start();
        s.stubFor(get("/health").willReturn(aResponse().withStatus(200)));
        s.stubFor(post("/v1/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(StubServers.SAMPLE_TEMPLATE)
                .withTransformers("response-template")));
        started.add(s);
        return s;
    }

    private String breaker(String url) {
        return client.stats().stream().filter(s -> s.server().equals(url)).findFirst().orElseThrow().breakerState();
    }

    private void sampleBatch() throws Exception {
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            prompts.add(PROMPT);
        }
        client.sample(prompts, SamplingOptions.prime(1, 8), 7L);
    }

    @Test
    void aRestartedServerRejoinsAtTheFirstProbeAfterItsRecovery() throws Exception {
        WireMockServer dying = serve(0);
        int port = dying.port();
        WireMockServer other = serve(0);
        String url = "http://127.0.0.1:" + port;
        ManualClock clock = new ManualClock();
        Duration open = Duration.ofSeconds(30);
        client = new RolloutClient(ManualPools.pool(PoolConfig.of("test", List.of(url, "http://127.0.0.1:"
                        + other.port()))
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(20))
                .withProgress(false)
                .withConcurrency(8, 1)
                .withRetry(new RetrySettings(4, Duration.ofMillis(10), 2.0, 0.5, Duration.ofMillis(50),
                        Duration.ofSeconds(1)))
                .withBreaker(new BreakerSettings(50f, 4, 2, open, 1, Duration.ofSeconds(2))), clock));
        sampleBatch(); // both servers now hold several idle keep-alive connections
        int pooled = client.pool().openConnections();
        assertThat(pooled).isGreaterThan(2);

        dying.stop(); // the process dies: its connections in our pool are dead
        sampleBatch(); // served by the other server; the dead one's breaker opens
        assertThat(breaker(url)).isEqualTo("OPEN");
        serve(port); // restarted on the same port and healthy

        int rounds = 0;
        while (!breaker(url).equals("CLOSED") && rounds < 20) {
            clock.advance(open.plusSeconds(1)); // what the scheduled prober would wait
            client.pool().probeNow();
            rounds++;
        }
        System.out.println("REJOIN rounds=" + rounds + " pooled=" + pooled);
        assertThat(rounds).isEqualTo(1);
    }
}
