package org.prime4j.client.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.prime4j.client.pool.StubServers.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.prime4j.client.Rollouts;
import org.prime4j.client.RolloutClient;
import org.prime4j.client.SamplingOptions;
import org.prime4j.client.Seeds;
import org.prime4j.client.protocol.ServerException;

/** A 256-request batch over three servers, one of which fails every request. */
@Timeout(60)
class ThreeServerBatchTest {

    @Test
    void theBatchCompletesCorrectlyAndTheFailingServersBreakerOpens() throws ServerException {
        try (StubServers stubs = new StubServers(3)) {
            stubs.completions(1, status(500, "error_nested.json"));
            PoolConfig config = stubs.config()
                    .withConcurrency(8, 1)
                    .withBreaker(new BreakerSettings(50f, 10, 5, Duration.ofMinutes(5), 1, Duration.ofSeconds(1)))
                    .withRetry(new RetrySettings(4, Duration.ofMillis(5), 2.0, 0.5, Duration.ofMillis(50),
                            Duration.ofSeconds(1)));
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < 256; i++) {
                prompts.add(new int[] {1000 + i, 11, 12});
            }
            long baseSeed = 20250213L;
            List<Rollouts> out;
            try (RolloutClient client = new RolloutClient(new ServerPool(config))) {
                out = client.sample(prompts, SamplingOptions.prime(1, 16), baseSeed);

                assertThat(out).hasSize(256);
                for (int i = 0; i < 256; i++) {
                    Rollouts r = out.get(i);
                    assertThat(r.promptIndex()).isEqualTo(i);
                    assertThat(r.promptIds()).isSameAs(prompts.get(i));
                    assertThat(r.samples()).hasSize(1);
                    // the server echoed this prompt's first token and this request's seed back
                    assertThat(r.samples().get(0).tokenIds()).containsExactly(1000 + i, 7);
                    assertThat(r.samples().get(0).logprobs()).containsExactly(-0.5f, -0.25f);
                    assertThat(r.seed()).isEqualTo(Seeds.derive(baseSeed, i));
                    assertThat(r.samples().get(0).text()).isEqualTo(Long.toString(r.seed()));
                    assertThat(r.server()).isIn(stubs.url(0), stubs.url(2));
                }
                Map<String, ServerStats> stats = client.stats().stream()
                        .collect(Collectors.toMap(ServerStats::server, s -> s));
                ServerStats failing = stats.get(stubs.url(1));
                assertThat(failing.breakerState()).isEqualTo("OPEN");
                assertThat(failing.requests()).isEqualTo(stubs.completionRequests(1));
                assertThat(failing.failures()).isEqualTo(failing.requests());
                // the breaker took it out early: at most a window's worth plus what was in flight
                assertThat(failing.requests()).isBetween(5L, 10L + 8L);
                // every failed attempt was retried, and nothing else was
                assertThat(client.pool().totalRetries()).isEqualTo(failing.requests());
                assertThat(stats.get(stubs.url(0)).requests() + stats.get(stubs.url(2)).requests()).isEqualTo(256);
                assertThat(stats.get(stubs.url(0)).requests()).isGreaterThan(50);
                assertThat(stats.get(stubs.url(2)).requests()).isGreaterThan(50);
                assertThat(stats.get(stubs.url(0)).tokens() + stats.get(stubs.url(2)).tokens()).isEqualTo(512);
            }
            assertThat(stubs.completionRequests(0) + stubs.completionRequests(2)).isEqualTo(256);
        }
    }
}
