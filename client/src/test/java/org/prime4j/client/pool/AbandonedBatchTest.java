package org.prime4j.client.pool;

import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.prime4j.client.pool.StubServers.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.prime4j.client.RolloutClient;
import org.prime4j.client.SamplingOptions;
import org.prime4j.client.protocol.ServerException;

/** When one request of a batch fails for good, the others stop at once and none outlives the call. */
@Timeout(30)
class AbandonedBatchTest {

    @Test
    void aFailedRequestAbandonsTheBatchWithoutStragglers() throws Exception {
        try (StubServers stubs = new StubServers(1)) {
            // prompt 2 is rejected at once; every other request stalls far longer than the test waits
            stubs.server(0).stubFor(post("/v1/completions").atPriority(2)
                    .willReturn(StubServers.fixture("completions_return_token_ids.json").withFixedDelay(20_000)));
            stubs.server(0).stubFor(post("/v1/completions").atPriority(1)
                    .withRequestBody(matchingJsonPath("$.prompt[0]", com.github.tomakehurst.wiremock.client.WireMock.equalTo("102")))
                    .willReturn(status(400, "error_nested.json")));
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                prompts.add(new int[] {100 + i, 1});
            }
            PoolConfig config = stubs.config().withConcurrency(4, 1).withTimeouts(Duration.ofSeconds(2),
                    Duration.ofSeconds(25));
            try (RolloutClient client = new RolloutClient(new ServerPool(config))) {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> client.sample(prompts, SamplingOptions.prime(1, 4), 3L))
                        .isInstanceOfSatisfying(ServerException.class, e -> {
                            assertThat(e.kind()).isEqualTo(ServerException.Kind.BAD_REQUEST);
                            assertThat(e.getMessage()).contains("sample request 2 of 12 failed, batch abandoned");
                        });
                assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000); // the stalled calls (20 s) were cancelled, not waited out
                assertThat(client.pool().inFlight()).isZero();
                int sent = stubs.completionRequests(0);
                assertThat(sent).isLessThan(12); // prompts queued behind the stalled ones were never sent
                Thread.sleep(500);
                assertThat(stubs.completionRequests(0)).isEqualTo(sent);
                // cutting our own requests short is not the server's fault
                assertThat(client.pool().breakerFailures(stubs.url(0))).isZero();
            }
        }
    }
}
