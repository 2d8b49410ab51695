package org.prime4j.client.pool;

import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.prime4j.client.pool.StubServers.status;

import com.github.tomakehurst.wiremock.client.WireMock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.prime4j.client.RolloutClient;
import org.prime4j.client.SamplingOptions;
import org.prime4j.client.protocol.ServerException;

/**
 * When one request of a batch fails for good, the others stop at once and none outlives the call. The stalled
 * requests would outlast both the request timeout and the test's hang guard, so the test can only pass if
 * they are cut short; no step depends on how fast the machine is.
 */
@Timeout(90)
class AbandonedBatchTest {

    @Test
    void aFailedRequestAbandonsTheBatchWithoutStragglers() throws Exception {
        try (StubServers stubs = new StubServers(1)) {
            // prompt 2 is rejected at once; every other request stalls for 10 minutes
            stubs.server(0).stubFor(post("/v1/completions").atPriority(2)
                    .willReturn(StubServers.fixture("completions_return_token_ids.json").withFixedDelay(600_000)));
            stubs.server(0).stubFor(post("/v1/completions").atPriority(1)
                    .withRequestBody(matchingJsonPath("$.prompt[0]", WireMock.equalTo("102")))
                    .willReturn(status(400, "error_nested.json")));
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                prompts.add(new int[] {100 + i, 1});
            }
            PoolConfig config = stubs.config().withConcurrency(4, 1).withTimeouts(Duration.ofSeconds(5),
                    Duration.ofMinutes(5));
            try (RolloutClient client = new RolloutClient(new ServerPool(config))) {
                assertThatThrownBy(() -> client.sample(prompts, SamplingOptions.prime(1, 4), 3L))
                        .isInstanceOfSatisfying(ServerException.class, e -> {
                            assertThat(e.kind()).isEqualTo(ServerException.Kind.BAD_REQUEST);
                            assertThat(e.getMessage()).contains("sample request 2 of 12 failed, batch abandoned");
                        });
                // nothing of the batch is in flight once the call is back...
                assertThat(client.pool().inFlight()).isZero();
                // ...and every worker thread is free: were one still stuck in a stalled call, this would hang
                awaitAllWorkersIdle(client.pool().workers());
                // the four workers took prompts 0-3; the rest were queued behind them and never sent
                for (int i = 4; i < 12; i++) {
                    assertThat(stubs.server(0).countRequestsMatching(postRequestedFor(urlEqualTo("/v1/completions"))
                            .withRequestBody(matchingJsonPath("$.prompt[0]", WireMock.equalTo(
                                    Integer.toString(100 + i)))).build()).getCount())
                            .as("requests for prompt %d", i).isZero();
                }
                // cutting our own requests short is not the server's fault
                assertThat(client.pool().breakerFailures(stubs.url(0))).isZero();
                assertThat(client.stats().get(0).failures()).isEqualTo(1); // the 400 only
            }
        }
    }

    /**
     * Occupies every worker thread with a task of our own. A fixed pool runs tasks in submission order, so when
     * all of ours run at once, every batch task submitted before them has finished.
     */
    private static void awaitAllWorkersIdle(ExecutorService workers) throws Exception {
        int threads = ((ThreadPoolExecutor) workers).getMaximumPoolSize();
        CyclicBarrier all = new CyclicBarrier(threads + 1);
        for (int i = 0; i < threads; i++) {
            workers.execute(() -> {
                try {
                    all.await(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // the test's await fails and reports
                }
            });
        }
        all.await(60, TimeUnit.SECONDS); // a hang guard only
    }
}
