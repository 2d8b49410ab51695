package org.prime4j.client.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.prime4j.client.RolloutClient;
import org.prime4j.client.SamplingOptions;

/** Long batches draw a progress bar with tokens/s, requests in flight and retries; short ones draw nothing. */
@Timeout(30)
class BatchProgressTest {

    @Test
    void aLongBatchShowsTokensPerSecondInFlightAndRetries() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (StubServers stubs = new StubServers(1)) {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                prompts.add(new int[] {i + 1, 2});
            }
            try (RolloutClient client = new RolloutClient(new ServerPool(stubs.config().withProgress(true)))) {
                client.sample(prompts.subList(0, 3), SamplingOptions.prime(1, 4), 1L);
                assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("tok/s");
                client.sample(prompts, SamplingOptions.prime(1, 4), 1L);
            }
        } finally {
            System.setErr(original);
        }
        String bar = captured.toString(StandardCharsets.UTF_8);
        assertThat(bar).contains("test sample").contains("40/40").contains("tok/s").contains("in flight")
                .contains("0 retries");
    }
}
