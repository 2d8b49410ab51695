package org.prime4j.server.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LaunchConfigReaderTest {

    @Test
    void readsServersWithDefaults() {
        LaunchConfig c = LaunchConfigReader.parse("""
                servers:
                  - name: policy
                    model: /models/qwen-math-7b
                    port: 8000
                    tensor_parallel_size: 2
                    enable_lora: true
                    max_lora_rank: 64
                    api_key_env: PRIME4J_VLLM_KEY
                    cuda_visible_devices: "0,1"
                  - name: reference
                    model: /models/qwen-math-7b
                    port: 8001
                    gpu_memory_utilization: 0.5
                    extra_args: ["--enforce-eager"]
                """, "launch.yaml");
        assertThat(c.servers()).hasSize(2);
        VllmServerConfig policy = c.servers().get(0);
        assertThat(policy.host()).isEqualTo("127.0.0.1");
        assertThat(policy.tensorParallelSize()).isEqualTo(2);
        assertThat(policy.enableLora()).isTrue();
        assertThat(policy.maxLogprobs()).isEqualTo(20);
        assertThat(policy.executable()).isEqualTo("vllm");
        assertThat(policy.logFile()).isEqualTo(Path.of("logs", "vllm-policy.log"));
        VllmServerConfig ref = c.servers().get(1);
        assertThat(ref.enableLora()).isFalse();
        assertThat(ref.gpuMemoryUtilization()).isEqualTo(0.5);
        assertThat(ref.extraArgs()).containsExactly("--enforce-eager");
    }

    @Test
    void aBadValueNamesTheFieldAndTheLine() {
        assertThatThrownBy(() -> LaunchConfigReader.parse("""
                servers:
                  - name: policy
                    model: m
                    port: 8000
                  - name: ref
                    model: m
                    port: 8001
                    gpu_memory_utilization: 1.5
                """, "launch.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("launch.yaml line")
                .hasMessageContaining("servers[1]")
                .hasMessageContaining("gpu_memory_utilization must be in (0, 1], got 1.5");
    }

    @Test
    void aKeyGivenTwiceIsAnErrorOnItsSecondLine() {
        assertThatThrownBy(() -> LaunchConfigReader.parse("""
                servers:
                  - name: policy
                    model: m
                    port: 8000
                    port: 8001
                """, "launch.yaml"))
                .hasMessageStartingWith("launch.yaml line 5")
                .hasMessageContaining("Duplicate field 'port'");
    }

    @Test
    void aMisspeltFieldIsAnErrorNotADefault() {
        assertThatThrownBy(() -> LaunchConfigReader.parse("""
                servers:
                  - name: policy
                    model: m
                    port: 8000
                    tensor_paralel_size: 2
                """, "launch.yaml"))
                .hasMessageContaining("launch.yaml line 5")
                .hasMessageContaining("unknown field 'tensor_paralel_size'")
                .hasMessageContaining("tensor_parallel_size");
    }

    @Test
    void wrongTypesMissingFieldsAndClashesAreNamed() {
        assertThatThrownBy(() -> LaunchConfigReader.parse("servers:\n  - name: a\n    model: m\n    port: high\n", "f"))
                .hasMessageContaining("f line 4")
                .hasMessageContaining("servers[0].port");
        assertThatThrownBy(() -> LaunchConfigReader.parse("servers:\n  - name: a\n    model: m\n", "f"))
                .hasMessageContaining("port is required");
        assertThatThrownBy(() -> LaunchConfigReader.parse(
                "servers:\n  - {name: a, model: m, port: 1}\n  - {name: a, model: m, port: 2}\n", "f"))
                .hasMessageContaining("two servers are named 'a'");
        assertThatThrownBy(() -> LaunchConfigReader.parse(
                "servers:\n  - {name: a, model: m, port: 1, extra_args: [--logprobs-mode=raw_logprobs]}\n", "f"))
                .hasMessageContaining("extra_args may not set --logprobs-mode");
        assertThatThrownBy(() -> LaunchConfigReader.parse(
                "servers:\n  - {name: a, model: m, port: 1, api_key_env: 'sk-123 secret'}\n", "f"))
                .hasMessageContaining("api_key_env must name an environment variable");
        assertThatThrownBy(() -> LaunchConfigReader.parse("servers: [\n", "f"))
                .hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> LaunchConfigReader.read(Path.of("/no/such/launch.yaml")))
                .hasMessageContaining("/no/such/launch.yaml does not exist");
    }
}
