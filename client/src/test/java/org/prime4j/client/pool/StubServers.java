package org.prime4j.client.pool;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.prime4j.client.protocol.Fixtures;

/** Loopback WireMock servers that answer like a healthy vLLM unless a test tells one to misbehave. */
final class StubServers implements AutoCloseable {

    /**
     * A sampling reply built from the request: the first generated token is the prompt's first token and the
     * text is the request's seed, so a test can tell whose tokens came back and with which seed.
     */
    static final String SAMPLE_TEMPLATE = "{\"id\":\"cmpl-stub\",\"object\":\"text_completion\",\"created\":1,"
            + "\"model\":\"stub\",\"choices\":[{\"index\":0,\"text\":\"{{jsonPath request.body '$.seed'}}\","
            + "\"logprobs\":{\"text_offset\":[0,1],\"token_logprobs\":[-0.5,-0.25],\"tokens\":[\"a\",\"b\"],"
            + "\"top_logprobs\":[{\"a\":-0.5},{\"b\":-0.25}]},\"finish_reason\":\"length\",\"stop_reason\":null,"
            + "\"token_ids\":[{{jsonPath request.body '$.prompt[0]'}},7],\"prompt_logprobs\":null,"
            + "\"prompt_token_ids\":null}],\"service_tier\":null,\"system_fingerprint\":null,"
            + "\"usage\":{\"prompt_tokens\":3,\"total_tokens\":5,\"completion_tokens\":2},\"kv_transfer_params\":null}";

    final List<WireMockServer> servers = new ArrayList<>();

    StubServers(int count) {
        for (int i = 0; i < count; i++) {
            WireMockServer s = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1")
                    .containerThreads(40).jettyAcceptors(1));
            s.start();
            servers.add(s);
            healthy(i);
        }
    }

    WireMockServer server(int i) {
        return servers.get(i);
    }

    String url(int i) {
        return "http://127.0.0.1:" + servers.get(i).port();
    }

    List<String> urls() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            out.add(url(i));
        }
        return out;
    }

    /** Resets server {@code i} to a healthy vLLM: /health 200, templated sampling replies, dev endpoints. */
    void healthy(int i) {
        WireMockServer s = servers.get(i);
        s.resetAll();
        s.stubFor(get("/health").willReturn(aResponse().withStatus(200)));
        s.stubFor(post("/v1/completions").atPriority(10).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(SAMPLE_TEMPLATE)
                .withTransformers("response-template")));
        s.stubFor(post("/collective_rpc").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"results\":[null]}")));
        s.stubFor(post("/reset_prefix_cache").willReturn(aResponse().withStatus(200)));
    }

    /** Every completions request to server {@code i} gets {@code reply}. */
    void completions(int i, ResponseDefinitionBuilder reply) {
        servers.get(i).stubFor(post("/v1/completions").atPriority(1).willReturn(reply));
    }

    int completionRequests(int i) {
        return servers.get(i).countRequestsMatching(postRequestedFor(urlEqualTo("/v1/completions")).build()).getCount();
    }

    static ResponseDefinitionBuilder fixture(String name) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(Fixtures.text(name));
    }

    static ResponseDefinitionBuilder status(int code, String fixture) {
        return aResponse().withStatus(code).withHeader("Content-Type", "application/json")
                .withBody(Fixtures.text(fixture));
    }

    /**
     * A pool over these servers with short backoffs, no progress bar, a lenient breaker, and timeouts long
     * enough that a loaded machine never trips them (tests of timeouts set their own).
     */
    PoolConfig config() {
        return PoolConfig.of("test", urls())
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(20))
                .withProgress(false)
                .withRetry(new RetrySettings(3, Duration.ofMillis(10), 2.0, 0.5, Duration.ofMillis(100),
                        Duration.ofSeconds(5)))
                .withBreaker(new BreakerSettings(50f, 100, 100, Duration.ofSeconds(30), 1, Duration.ofSeconds(30)));
    }

    @Override
    public void close() {
        servers.forEach(WireMockServer::stop);
    }
}
