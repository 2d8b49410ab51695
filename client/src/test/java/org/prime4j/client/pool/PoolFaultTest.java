package org.prime4j.client.pool;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.prime4j.client.pool.StubServers.fixture;
import static org.prime4j.client.pool.StubServers.status;

import com.github.tomakehurst.wiremock.http.Fault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.prime4j.client.Rollouts;
import org.prime4j.client.RolloutClient;
import org.prime4j.client.SamplingOptions;
import org.prime4j.client.Seeds;
import org.prime4j.client.protocol.Fixtures;
import org.prime4j.client.protocol.ServerException;

/**
 * Fault injection with two loopback servers: server 0 misbehaves, server 1 is healthy. Ties in load go to
 * server 0, so every first attempt meets the fault and the test sees what the client does about it.
 *
 * <p>Nothing here depends on how fast the machine is: the breakers read a {@link ManualClock} that only the
 * test moves, health probes run only when the test calls {@link ServerPool#probeNow()}, retry waits are
 * read from the retry's events, and the timeouts only guard against hangs.
 */
@Timeout(60)
class PoolFaultTest {

    private static final int BAD = 0;
    private static final int GOOD = 1;
    private static final int[] PROMPT = {42, 5, 6};

    private static StubServers stubs;
    private ManualClock clock;
    private RolloutClient client;
    /** Waits the retry chose before each retry, in order. */
    private final List<Duration> retryWaits = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startServers() {
        stubs = new StubServers(2);
    }

    @AfterAll
    static void stopServers() {
        stubs.close();
    }

    @BeforeEach
    void connect() {
        stubs.healthy(BAD);
        stubs.healthy(GOOD);
        clock = new ManualClock();
        client = new RolloutClient(ManualPools.pool(stubs.config(), clock));
        client.pool().retry().getEventPublisher().onRetry(e -> retryWaits.add(e.getWaitInterval()));
    }

    private void reconnect(PoolConfig config) {
        client.close();
        retryWaits.clear();
        client = new RolloutClient(ManualPools.pool(config, clock));
        client.pool().retry().getEventPublisher().onRetry(e -> retryWaits.add(e.getWaitInterval()));
    }

    private String breaker(int i) {
        return stats(i).breakerState();
    }

    private static void failHealthChecks(int i) {
        stubs.server(i).stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/health").atPriority(1)
                .willReturn(aResponse().withStatus(503)));
    }

    private static int healthChecks(int i) {
        return stubs.server(i).countRequestsMatching(getRequestedFor(urlEqualTo("/health")).build()).getCount();
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    private Rollouts sampleOne() throws ServerException {
        List<Rollouts> r = client.sample(List.of(PROMPT), SamplingOptions.prime(1, 8), 99L);
        assertThat(r).hasSize(1);
        // The reply really belongs to this prompt and carries the seed derived for it.
        assertThat(r.get(0).samples().get(0).tokenIds()).containsExactly(42, 7);
        assertThat(r.get(0).samples().get(0).text()).isEqualTo(Long.toString(Seeds.derive(99L, 0)));
        return r.get(0);
    }

    private ServerStats stats(int i) {
        return client.stats().stream().filter(s -> s.server().equals(stubs.url(i))).findFirst().orElseThrow();
    }

    private void assertRetriedOnGoodServer(Rollouts r, String errorFragment) {
        assertThat(r.server()).isEqualTo(stubs.url(GOOD));
        assertThat(stubs.completionRequests(BAD)).isEqualTo(1);
        assertThat(stubs.completionRequests(GOOD)).isEqualTo(1);
        assertThat(stats(BAD).retries()).isEqualTo(1);
        assertThat(stats(BAD).failures()).isEqualTo(1);
        assertThat(stats(BAD).lastError()).contains(stubs.url(BAD)).contains(errorFragment);
        assertThat(stats(GOOD).failures()).isZero();
        assertThat(client.pool().totalRetries()).isEqualTo(1);
    }

    @Test
    void http500IsRetriedOnTheHealthyServer() throws ServerException {
        stubs.completions(BAD, status(500, "error_nested.json"));
        assertRetriedOnGoodServer(sampleOne(), "HTTP 500");
    }

    @Test
    void http429WaitsForRetryAfterAndDoesNotCountAgainstTheBreaker() throws ServerException {
        stubs.completions(BAD, status(429, "error_nested.json").withHeader("Retry-After", "1"));
        Rollouts r = sampleOne();
        assertRetriedOnGoodServer(r, "HTTP 429");
        assertThat(retryWaits).containsExactly(Duration.ofSeconds(1)); // the server's Retry-After, not the backoff
        assertThat(client.pool().breakerFailures(stubs.url(BAD))).isZero();
    }

    @Test
    void aHugeRetryAfterIsCapped() throws ServerException {
        reconnect(stubs.config().withRetry(new RetrySettings(3, Duration.ofMillis(10), 2.0, 0.5,
                Duration.ofMillis(100), Duration.ofMillis(300))));
        stubs.completions(BAD, status(429, "error_nested.json").withHeader("Retry-After", "3600"));
        Rollouts r = sampleOne();
        assertThat(r.server()).isEqualTo(stubs.url(GOOD));
        assertThat(retryWaits).containsExactly(Duration.ofMillis(300)); // maxRetryAfter, not an hour
    }

    @Test
    void connectionResetIsRetried() throws ServerException {
        stubs.completions(BAD, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        assertRetriedOnGoodServer(sampleOne(), "connection");
        assertThat(client.pool().breakerFailures(stubs.url(BAD))).isEqualTo(1);
    }

    @Test
    void aServerThatStallsUsesUpItsRequestsTimeAndIsBlamedForIt() {
        // BAD stalls far longer than the test may run, so only the request timeout can end the attempt. The
        // request has one deadline: the stalled attempt took all of it, so the request fails at its deadline
        // (plus at most one back-off) instead of starting a fresh timeout on GOOD (RequestDeadlineTest times it).
        reconnect(stubs.config().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(2)));
        stubs.completions(BAD, fixture("completions_return_token_ids.json").withFixedDelay(600_000));
        assertThatThrownBy(this::sampleOne).isInstanceOfSatisfying(ServerException.class, e -> assertThat(
                e.getMessage()).contains(stubs.url(BAD)).contains("timeout").contains("passed before attempt 2"));
        assertThat(stats(BAD).failures()).isEqualTo(1);
        assertThat(client.pool().breakerFailures(stubs.url(BAD))).as("it had the whole timeout").isEqualTo(1);
        assertThat(stats(GOOD).requests()).isZero();
    }

    @Test
    void truncatedJsonIsRetried() throws ServerException {
        String full = Fixtures.text("completions_tokens_as_token_ids.json");
        stubs.completions(BAD, aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(full.substring(0, full.length() / 2)));
        assertRetriedOnGoodServer(sampleOne(), "malformed or truncated JSON");
    }

    @Test
    void malformedJsonIsRetried() throws ServerException {
        stubs.completions(BAD, aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"id\": \"cmpl-1\", \"choices\": [}"));
        assertRetriedOnGoodServer(sampleOne(), "malformed or truncated JSON");
    }

    @Test
    void aBodyCutByTheConnectionIsRetried() throws ServerException {
        stubs.completions(BAD, aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE));
        Rollouts r = sampleOne();
        assertThat(r.server()).isEqualTo(stubs.url(GOOD));
        assertThat(stats(BAD).failures()).isEqualTo(1);
    }

    @Test
    void aReplyMissingPromptLogprobsIsRetriedOnAServerThatSendsThem() throws ServerException {
        stubs.completions(BAD, fixture("completions_tokens_as_token_ids.json"));
        stubs.completions(GOOD, fixture("completions_prompt_logprobs.json"));
        List<float[]> lp = client.score(List.of(Fixtures.PROMPT), List.of(Fixtures.RESPONSE));
        assertThat(lp).hasSize(1);
        assertThat(lp.get(0)).containsExactly(Fixtures.RESPONSE_LOGPROBS);
        assertThat(stats(BAD).lastError()).contains(stubs.url(BAD)).contains("ignored prompt_logprobs");
        assertThat(stats(BAD).retries()).isEqualTo(1);
        // the scoring request asked for what PRIME step 5 needs
        stubs.server(GOOD).verify(postRequestedFor(urlEqualTo("/v1/completions"))
                .withRequestBody(matchingJsonPath("$.prompt_logprobs", com.github.tomakehurst.wiremock.client.WireMock.equalTo("1")))
                .withRequestBody(matchingJsonPath("$.max_tokens", com.github.tomakehurst.wiremock.client.WireMock.equalTo("1"))));
    }

    @Test
    void whenNoServerSendsPromptLogprobsTheErrorNamesServersAndCause() {
        stubs.completions(BAD, fixture("completions_tokens_as_token_ids.json"));
        stubs.completions(GOOD, fixture("completions_tokens_as_token_ids.json"));
        assertThatThrownBy(() -> client.score(List.of(Fixtures.PROMPT), List.of(Fixtures.RESPONSE)))
                .isInstanceOfSatisfying(ServerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ServerException.Kind.PROTOCOL);
                    assertThat(e.getMessage()).contains("after 3 attempts").contains("ignored prompt_logprobs")
                            .contains(stubs.url(BAD)).contains(stubs.url(GOOD)).contains("request 0 of 1");
                });
        assertThat(stubs.completionRequests(BAD) + stubs.completionRequests(GOOD)).isEqualTo(3);
    }

    @Test
    void badRequestIsNeverRetried() {
        stubs.completions(BAD, status(400, "error_nested.json"));
        assertThatThrownBy(this::sampleOne).isInstanceOfSatisfying(ServerException.class, e -> {
            assertThat(e.kind()).isEqualTo(ServerException.Kind.BAD_REQUEST);
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.server()).isEqualTo(stubs.url(BAD));
            assertThat(e.getMessage()).contains("greater than max allowed: 20").contains("param=logprobs");
        });
        assertThat(stubs.completionRequests(BAD)).isEqualTo(1);
        assertThat(stubs.completionRequests(GOOD)).isZero();
        assertThat(client.pool().breakerFailures(stubs.url(BAD))).isZero();
    }

    @Test
    void anOldServerThatIgnoresReturnTokenIdsGivesAClearError() {
        String old = "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\",\"choices\":[{"
                + "\"index\":0,\"text\":\" 5\",\"logprobs\":{\"text_offset\":[0],\"token_logprobs\":[-0.1],"
                + "\"tokens\":[\" 5\"],\"top_logprobs\":[{\" 5\":-0.1}]},\"finish_reason\":\"stop\","
                + "\"stop_reason\":null}],\"usage\":{\"prompt_tokens\":3,\"total_tokens\":4,\"completion_tokens\":1}}";
        stubs.completions(BAD, aResponse().withStatus(200).withBody(old));
        stubs.completions(GOOD, aResponse().withStatus(200).withBody(old));
        assertThatThrownBy(this::sampleOne).isInstanceOfSatisfying(ServerException.class,
                e -> assertThat(e.getMessage()).contains("ignored return_token_ids").contains("token_ids is missing"));
    }

    @Test
    void aReplyWithFewerChoicesThanAskedNeverShortensTheBatch() {
        stubs.completions(BAD, fixture("completions_tokens_as_token_ids.json"));
        stubs.completions(GOOD, fixture("completions_tokens_as_token_ids.json"));
        assertThatThrownBy(() -> client.sample(List.of(PROMPT, PROMPT), SamplingOptions.prime(4, 8), 1L))
                .isInstanceOfSatisfying(ServerException.class,
                        e -> assertThat(e.getMessage()).contains("1 choices for 1 prompts x n=4"));
    }

    @Test
    void retriesKeepTheSeed() throws ServerException {
        stubs.completions(BAD, status(503, "error_flat.json"));
        sampleOne();
        String seed = Long.toString(Seeds.derive(99L, 0));
        stubs.server(BAD).verify(postRequestedFor(urlEqualTo("/v1/completions"))
                .withRequestBody(matchingJsonPath("$.seed", com.github.tomakehurst.wiremock.client.WireMock.equalTo(seed))));
        stubs.server(GOOD).verify(postRequestedFor(urlEqualTo("/v1/completions"))
                .withRequestBody(matchingJsonPath("$.seed", com.github.tomakehurst.wiremock.client.WireMock.equalTo(seed))));
    }

    /** Opens at 2 failures of 4; stays open 30 s of the manual clock; 1 healthy probe closes it. */
    private static final BreakerSettings FRAGILE =
            new BreakerSettings(50f, 4, 2, Duration.ofSeconds(30), 1, Duration.ofSeconds(30));

    @Test
    void theBreakerOpensAndOnlyHealthProbesBringTheServerBack() throws Exception {
        reconnect(stubs.config().withBreaker(FRAGILE));
        stubs.completions(BAD, status(500, "error_nested.json"));
        failHealthChecks(BAD);
        for (int i = 0; i < 2; i++) {
            assertThat(sampleOne().server()).isEqualTo(stubs.url(GOOD));
        }
        assertThat(breaker(BAD)).isEqualTo("OPEN");
        // while open, nothing is sent to it
        int before = stubs.completionRequests(BAD);
        for (int i = 0; i < 5; i++) {
            assertThat(sampleOne().server()).isEqualTo(stubs.url(GOOD));
        }
        assertThat(stubs.completionRequests(BAD)).isEqualTo(before);
        // it answered (with 500s): /health says nothing new before the open duration is over
        client.pool().probeNow();
        assertThat(healthChecks(BAD)).isZero();
        assertThat(breaker(BAD)).isEqualTo("OPEN");

        clock.advance(Duration.ofSeconds(31));
        // the open duration is over, yet live traffic still does not test the server: only a probe may
        for (int i = 0; i < 3; i++) {
            assertThat(sampleOne().server()).isEqualTo(stubs.url(GOOD));
        }
        assertThat(stubs.completionRequests(BAD)).isEqualTo(before);
        assertThat(breaker(BAD)).isEqualTo("OPEN");
        client.pool().probeNow(); // HALF_OPEN, meets the 503 (also on a fresh connection), OPEN again
        assertThat(healthChecks(BAD)).isEqualTo(2);
        assertThat(breaker(BAD)).isEqualTo("OPEN");

        stubs.healthy(BAD); // the server recovers (and its request journal is reset)
        assertThat(sampleOne().server()).isEqualTo(stubs.url(GOOD));
        assertThat(stubs.completionRequests(BAD)).isZero();
        // its health check failed, so it is probed every interval: the first probe after its recovery brings it
        // back without waiting out another open duration
        client.pool().probeNow();
        assertThat(healthChecks(BAD)).isEqualTo(1);
        assertThat(breaker(BAD)).isEqualTo("CLOSED");
        assertThat(sampleOne().server()).isEqualTo(stubs.url(BAD)); // back in rotation
    }

    @Test
    void aHalfOpenServerGetsNoLiveTrafficUntilEnoughProbesCloseIt() throws Exception {
        reconnect(stubs.config().withBreaker(
                new BreakerSettings(50f, 4, 2, Duration.ofSeconds(30), 2, Duration.ofSeconds(30))));
        stubs.completions(BAD, status(500, "error_nested.json"));
        for (int i = 0; i < 2; i++) {
            assertThat(sampleOne().server()).isEqualTo(stubs.url(GOOD));
        }
        assertThat(breaker(BAD)).isEqualTo("OPEN");
        stubs.healthy(BAD); // it would answer live traffic well now, but only probes may say so
        clock.advance(Duration.ofSeconds(31));
        client.pool().probeNow(); // 1 of the 2 healthy probes needed
        assertThat(healthChecks(BAD)).isEqualTo(1);
        assertThat(breaker(BAD)).isEqualTo("HALF_OPEN");
        for (int i = 0; i < 3; i++) {
            assertThat(sampleOne().server()).isEqualTo(stubs.url(GOOD));
        }
        assertThat(stubs.completionRequests(BAD)).isZero();
        assertThat(breaker(BAD)).isEqualTo("HALF_OPEN");
        client.pool().probeNow();
        assertThat(breaker(BAD)).isEqualTo("CLOSED");
        assertThat(sampleOne().server()).isEqualTo(stubs.url(BAD));
    }

    @Test
    void whileEveryServerIsOutRequestsWaitForAProbeToBringOneBack() throws Exception {
        reconnect(stubs.config()
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(50)) // the wait below is a probe's, not this
                .withRetry(new RetrySettings(4, Duration.ofMillis(10), 2.0, 0.5, Duration.ofMillis(50),
                        Duration.ofSeconds(1)))
                .withBreaker(new BreakerSettings(50f, 2, 2, Duration.ofSeconds(30), 1, Duration.ofSeconds(30))));
        for (int s : new int[] {BAD, GOOD}) { // both restarting: every call and health check fails
            stubs.completions(s, status(503, "error_flat.json"));
            failHealthChecks(s);
        }
        // attempts go BAD, GOOD, BAD (opens), GOOD (opens): the request fails and both breakers are open
        assertThatThrownBy(this::sampleOne).isInstanceOf(ServerException.class).hasMessageContaining("4 attempts");
        assertThat(client.stats()).allSatisfy(st -> assertThat(st.breakerState()).isEqualTo("OPEN"));
        assertThat(stubs.completionRequests(BAD)).isEqualTo(2);
        assertThat(stubs.completionRequests(GOOD)).isEqualTo(2);
        long retries = client.pool().totalRetries();

        CompletableFuture<Rollouts> next = CompletableFuture.supplyAsync(() -> {
            try {
                return sampleOne();
            } catch (ServerException e) {
                throw new CompletionException(e);
            }
        });
        awaitWaitingForServer(next);
        // the "restart" of GOOD finishes while the request waits; the open duration passes; a probe sees it
        stubs.healthy(GOOD);
        clock.advance(Duration.ofSeconds(31));
        client.pool().probeNow();
        Rollouts r = next.get(30, TimeUnit.SECONDS); // a hang guard only
        assertThat(r.server()).isEqualTo(stubs.url(GOOD));
        // it waited: one attempt, nothing sent to the server whose breaker stayed open
        assertThat(client.pool().totalRetries()).isEqualTo(retries);
        assertThat(stubs.completionRequests(BAD)).isEqualTo(2);
        assertThat(stubs.completionRequests(GOOD)).isEqualTo(1); // healthy() reset GOOD's request journal
        assertThat(breaker(GOOD)).isEqualTo("CLOSED");
        assertThat(breaker(BAD)).isEqualTo("OPEN");
    }

    /** Until the request is parked waiting for a usable server (not a time limit: a hang guard). */
    private void awaitWaitingForServer(CompletableFuture<?> request) throws Exception {
        long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (client.pool().waitingForServer() == 0) {
            if (request.isDone()) {
                request.get(); // rethrows its failure
                throw new AssertionError("the request was served while every breaker was open");
            }
            if (System.nanoTime() > guard) {
                throw new AssertionError("the request never waited for a usable server");
            }
            Thread.sleep(5);
        }
    }

    @Test
    void aReloadThatReachesOneServerSucceedsAndTheOtherIsCaughtUpBeforeItSamples() throws ServerException {
        stubs.server(BAD).stubFor(post("/collective_rpc").atPriority(1).willReturn(aResponse().withStatus(500)
                .withBody("{\"error\":{\"message\":\"CUDA out of memory\",\"type\":\"InternalServerError\","
                        + "\"param\":null,\"code\":500}}")));
        Path ckpt = Path.of("/ckpt/policy-step-3");
        List<BroadcastOutcome> outcomes = client.reloadWeights(ckpt); // a minority failing does not stop the run
        assertThat(outcomes).extracting(BroadcastOutcome::ok).containsExactly(false, true);
        assertThat(outcomes.get(0).error().getMessage()).contains("CUDA out of memory");
        stubs.server(GOOD).verify(postRequestedFor(urlEqualTo("/collective_rpc")).withRequestBody(equalToJson(
                "{\"method\":\"reload_weights\",\"kwargs\":{\"weights_path\":\"/ckpt/policy-step-3\"}}")));
        stubs.server(GOOD).verify(1, postRequestedFor(urlEqualTo("/reset_prefix_cache")));
        stubs.server(BAD).verify(0, postRequestedFor(urlEqualTo("/reset_prefix_cache")));
        assertThat(stats(BAD).staleWeights()).isTrue();
        assertThat(stats(BAD).staleReason()).contains("CUDA out of memory");
        for (int i = 0; i < 3; i++) {
            assertThat(sampleOne().server()).isEqualTo(stubs.url(GOOD));
        }
        assertThat(stubs.completionRequests(BAD)).isZero();

        stubs.healthy(BAD); // it recovers: the next probe round reloads it with the current weights
        client.pool().probeNow();
        stubs.server(BAD).verify(postRequestedFor(urlEqualTo("/collective_rpc")).withRequestBody(equalToJson(
                "{\"method\":\"reload_weights\",\"kwargs\":{\"weights_path\":\"/ckpt/policy-step-3\"}}")));
        assertThat(stats(BAD).staleWeights()).isFalse();
        assertThat(client.pool().held(RolloutClient.WEIGHTS)).containsValues("/ckpt/policy-step-3",
                "/ckpt/policy-step-3");
        assertThat(sampleOne().server()).isEqualTo(stubs.url(BAD));
    }

    @Test
    void aReloadThatReachesNoServerFailsNamingEveryServerAndItsCause() {
        reconnect(stubs.config().toBuilder().reloadTimeout(Duration.ofMillis(200)).build());
        for (int s : new int[] {BAD, GOOD}) {
            stubs.server(s).stubFor(post("/collective_rpc").atPriority(1).willReturn(aResponse().withStatus(500)
                    .withBody("{\"error\":{\"message\":\"disk full on " + s + "\",\"type\":\"InternalServerError\","
                            + "\"param\":null,\"code\":500}}")));
        }
        assertThatThrownBy(() -> client.reloadWeights(Path.of("/ckpt/step-4")))
                .isInstanceOfSatisfying(ServerException.class, e -> assertThat(e.getMessage())
                        .contains("reached none of the 2 test servers")
                        .contains(stubs.url(BAD) + "=stale").contains("disk full on 0")
                        .contains(stubs.url(GOOD) + "=stale").contains("disk full on 1"));
    }

    @Test
    void aServerWhoseProbeDisagreesAfterAnAcknowledgedReloadIsStaleNotSampledAndNotReloadedEveryRound()
            throws ServerException {
        int rpcBefore = stubs.server(BAD).countRequestsMatching(postRequestedFor(urlEqualTo("/collective_rpc"))
                .build()).getCount();
        // BAD acknowledges the reload and keeps its old weights: only the probe can tell
        Publication weights = new Publication(RolloutClient.WEIGHTS, "/ckpt/step-5", s -> {
            s.reloadWeights("/ckpt/step-5", Duration.ofSeconds(5));
            return null;
        }, s -> s.baseUrl().equals(stubs.url(BAD)) ? "log-probs differ by 0.5" : null);
        List<BroadcastOutcome> outcomes = client.pool().publish("reload_weights", weights, false);
        assertThat(outcomes).extracting(BroadcastOutcome::ok).containsExactly(false, true);
        assertThat(stats(BAD).staleReason()).contains("acknowledged but the server does not hold it")
                .contains("log-probs differ by 0.5");
        for (int i = 0; i < 3; i++) {
            assertThat(sampleOne().server()).isEqualTo(stubs.url(GOOD));
        }
        assertThat(stubs.completionRequests(BAD)).isZero();
        client.pool().probeNow(); // healthy and closed: one catch-up, which the probe refuses again
        client.pool().probeNow(); // within the pause after a failed catch-up: left alone
        int reloads = stubs.server(BAD).countRequestsMatching(postRequestedFor(urlEqualTo("/collective_rpc"))
                .build()).getCount() - rpcBefore;
        assertThat(reloads).isEqualTo(2); // the publish and one catch-up
        assertThat(stats(BAD).staleWeights()).isTrue();
        assertThat(client.pool().held(RolloutClient.WEIGHTS)).containsEntry(stubs.url(BAD), null)
                .containsEntry(stubs.url(GOOD), "/ckpt/step-5");
        assertThat(stubs.completionRequests(BAD)).isZero();
    }

    @Test
    void aServerThatAnswers404ForThePublishedAdapterIsStaleAndItsRequestGoesElsewhere() throws ServerException {
        java.util.Map<String, Integer> loads = new java.util.concurrent.ConcurrentHashMap<>();
        Publication lora = new Publication(RolloutClient.LORA, "policy-step-3", s -> {
            loads.merge(s.baseUrl(), 1, Integer::sum);
            return null;
        }, null);
        assertThat(client.pool().publish("load_lora_adapter policy-step-3", lora, false))
                .allMatch(BroadcastOutcome::ok);
        // BAD restarted unseen (no broken connection): it holds no adapter, and says so as vLLM does.
        stubs.completions(BAD, aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                .withBody("{\"object\":\"error\",\"message\":\"The model `policy-step-3` does not exist.\","
                        + "\"type\":\"NotFoundError\",\"param\":\"model\",\"code\":404}"));
        assertThat(sampleOne().server()).isEqualTo(stubs.url(GOOD));
        assertThat(stats(BAD).staleWeights()).isTrue();
        assertThat(stats(BAD).staleReason()).contains("404 for the current lora policy-step-3");
        assertThat(client.pool().breakerFailures(stubs.url(BAD))).isZero();
        assertThat(sampleOne().server()).as("no request reaches it while stale").isEqualTo(stubs.url(GOOD));
        assertThat(stubs.completionRequests(BAD)).isEqualTo(1);

        stubs.healthy(BAD); // its adapter can be loaded again
        client.pool().probeNow();
        assertThat(loads).containsEntry(stubs.url(BAD), 2).containsEntry(stubs.url(GOOD), 1);
        assertThat(stats(BAD).staleWeights()).isFalse();
        assertThat(client.pool().held(RolloutClient.LORA)).containsEntry(stubs.url(BAD), "policy-step-3");
    }
}
