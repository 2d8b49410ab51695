package org.prime4j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.prime4j.client.pool.BreakerSettings;
import org.prime4j.client.pool.PoolConfig;
import org.prime4j.client.pool.RetrySettings;
import org.prime4j.client.protocol.ApiKey;

class ConfigValidationTest {

    @Test
    void poolConfigNamesTheBadField() {
        assertThatThrownBy(() -> PoolConfig.of("policy", List.of()))
                .hasMessageContaining("pool 'policy': baseUrls is empty");
        assertThatThrownBy(() -> PoolConfig.of("policy", List.of("http://a:8000", "gpu-2:8000")))
                .hasMessageContaining("baseUrls[1] must be http(s)://host[:port]");
        assertThatThrownBy(() -> PoolConfig.of("policy", List.of("http://a:8000/v1")))
                .hasMessageContaining("without /v1");
        assertThatThrownBy(() -> PoolConfig.of("policy", List.of("http://a:8000", "http://a:8000/")))
                .hasMessageContaining("baseUrls[1] repeats");
        PoolConfig ok = PoolConfig.of("policy", List.of("http://a:8000/"));
        assertThat(ok.baseUrls()).containsExactly("http://a:8000");
        assertThatThrownBy(() -> ok.withConcurrency(0, 1)).hasMessageContaining("maxConcurrentPerServer");
        assertThatThrownBy(() -> ok.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> new RetrySettings(0, Duration.ofMillis(1), 2, 0.5, Duration.ofSeconds(1),
                Duration.ofSeconds(1))).hasMessageContaining("retry.maxAttempts");
        assertThatThrownBy(() -> new RetrySettings(3, Duration.ofMillis(1), 2, 1.5, Duration.ofSeconds(1),
                Duration.ofSeconds(1))).hasMessageContaining("retry.jitter");
        assertThatThrownBy(() -> new BreakerSettings(50, 10, 20, Duration.ofSeconds(1), 1, Duration.ofSeconds(1)))
                .hasMessageContaining("breaker.minimumCalls");
    }

    @Test
    void poolConfigBuilderHasDefaultsAndNamesTheBadFieldAtBuild() {
        PoolConfig c = PoolConfig.builder().role("reference").baseUrls(List.of("http://a:8000/", "http://b:8000"))
                .apiKeyEnv("VLLM_API_KEY").requestTimeout(Duration.ofSeconds(30)).requestBatchSize(8).progress(false)
                .build();
        assertThat(c.baseUrls()).containsExactly("http://a:8000", "http://b:8000");
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.requestBatchSize()).isEqualTo(8);
        assertThat(c.progress()).isFalse();
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(5)); // defaults as in PoolConfig.of
        assertThat(c.maxConcurrentPerServer()).isEqualTo(64);
        assertThat(c.retry()).isEqualTo(RetrySettings.defaults());
        assertThat(c.breaker()).isEqualTo(BreakerSettings.defaults());
        assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
        assertThat(c.withProgress(true)).isNotEqualTo(c).isEqualTo(c.toBuilder().progress(true).build());
        assertThat(PoolConfig.builder().role("p").baseUrls(List.of("http://a:8000")).apiKeyEnv(" ").build()
                .apiKeyEnv()).isNull();

        PoolConfig.Builder ok = PoolConfig.builder().role("policy").baseUrls(List.of("http://a:8000"));
        assertThatThrownBy(() -> PoolConfig.builder().baseUrls(List.of("http://a:8000")).build())
                .hasMessageContaining("pool.role is empty");
        assertThatThrownBy(() -> PoolConfig.builder().role("policy").build())
                .hasMessageContaining("pool 'policy': baseUrls is empty");
        assertThatThrownBy(() -> PoolConfig.builder().role("policy").baseUrls(List.of("http://a:8000"))
                .requestBatchSize(0).build())
                .hasMessageContaining("pool 'policy': requestBatchSize must be >= 1, got 0");
        assertThatThrownBy(() -> PoolConfig.builder().role("policy").baseUrls(List.of("http://a:8000"))
                .progressMinRequests(0).build()).hasMessageContaining("pool 'policy': progressMinRequests");
        assertThatThrownBy(() -> PoolConfig.builder().role("policy").baseUrls(List.of("http://a:8000"))
                .reloadTimeout(Duration.ofSeconds(-1)).build()).hasMessageContaining("pool 'policy': reloadTimeout");
        assertThatThrownBy(() -> PoolConfig.builder().role("policy").baseUrls(List.of("http://a:8000"))
                .retry(null).build()).hasMessageContaining("pool 'policy': retry settings are required");
        assertThatThrownBy(() -> PoolConfig.builder().role("policy").baseUrls(List.of("http://a:8000"))
                .breaker(null).build()).hasMessageContaining("pool 'policy': breaker settings are required");
        // the builder is not the config: changing it after build leaves the built config alone
        PoolConfig built = ok.build();
        ok.maxConcurrentPerServer(3);
        assertThat(built.maxConcurrentPerServer()).isEqualTo(64);
    }

    @Test
    void samplingOptionsNameTheBadField() {
        assertThatThrownBy(() -> SamplingOptions.prime(0, 8)).hasMessageContaining("sampling.n");
        assertThatThrownBy(() -> SamplingOptions.prime(4, 0)).hasMessageContaining("sampling.maxTokens");
        SamplingOptions p = SamplingOptions.prime(4, 3072);
        assertThat(p.temperature()).isEqualTo(1.0);
        assertThat(p.topP()).isEqualTo(1.0);
        assertThat(p.logprobs()).isEqualTo(1);
    }

    @Test
    void apiKeyComesFromTheEnvironmentAndIsNeverPrinted() {
        ApiKey k = ApiKey.fromEnvironment("PRIME4J_TEST_KEY", java.util.Map.of("PRIME4J_TEST_KEY", "sk-very-secret"));
        assertThat(k.isPresent()).isTrue();
        assertThat(k.toString()).doesNotContain("sk-very-secret").contains("PRIME4J_TEST_KEY");
        assertThat(ApiKey.of("sk-x").toString()).doesNotContain("sk-x");
        assertThatThrownBy(() -> ApiKey.fromEnvironment("PRIME4J_UNSET", java.util.Map.of()))
                .hasMessageContaining("PRIME4J_UNSET is not set");
        assertThat(PoolConfig.of("policy", List.of("http://a:8000")).withApiKeyEnv("VLLM_API_KEY").toString())
                .contains("VLLM_API_KEY");
    }

    @Test
    void seedsAreDeterministicDistinctAndNonNegative() {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            long s = Seeds.derive(42L, i);
            assertThat(s).isNotNegative().isEqualTo(Seeds.derive(42L, i));
            seen.add(s);
        }
        assertThat(seen).hasSize(10_000);
        assertThat(Seeds.derive(42L, 0)).isNotEqualTo(Seeds.derive(43L, 0));
        assertThatThrownBy(() -> Seeds.derive(1L, -1)).hasMessageContaining("prompt index");
    }
}
