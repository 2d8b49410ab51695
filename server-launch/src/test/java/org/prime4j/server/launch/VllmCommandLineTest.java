package org.prime4j.server.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VllmCommandLineTest {

    static VllmServerConfig config(boolean lora, String keyEnv) {
        return new VllmServerConfig("policy", "/models/q", "0.0.0.0", 8100, 2, 0.85, 4096, "bfloat16", 7L,
                "policy-model", lora, lora ? 2 : null, lora ? 32 : null, 5, keyEnv, "2,3", "/opt/vllm/bin/vllm",
                null, 60, List.of("--enforce-eager"), Map.of("HF_HOME", "/cache"));
    }

    @Test
    void everyConfigFieldAndWhatPrime4jNeeds() {
        VllmCommandLine cmd = VllmCommandLine.of(config(true, "MY_KEY"), k -> k.equals("MY_KEY") ? "sk-abc" : null);
        assertThat(cmd.argv()).containsExactly("/opt/vllm/bin/vllm", "serve", "/models/q",
                "--host", "0.0.0.0", "--port", "8100", "--tensor-parallel-size", "2",
                "--gpu-memory-utilization", "0.85", "--max-model-len", "4096", "--dtype", "bfloat16", "--seed", "7",
                "--served-model-name", "policy-model", "--enable-lora", "--max-loras", "2", "--max-lora-rank", "32",
                "--logprobs-mode", "processed_logprobs", "--max-logprobs", "5", "--generation-config", "vllm",
                "--enforce-eager");
        assertThat(cmd.env()).containsEntry("VLLM_SERVER_DEV_MODE", "1")
                .containsEntry("VLLM_ALLOW_RUNTIME_LORA_UPDATING", "True")
                .containsEntry("CUDA_VISIBLE_DEVICES", "2,3")
                .containsEntry("VLLM_API_KEY", "sk-abc")
                .containsEntry("HF_HOME", "/cache");
        assertThat(cmd.display()).doesNotContain("sk-abc");
        assertThat(cmd.toString()).doesNotContain("sk-abc");
    }

    @Test
    void withoutLoraNoLoraFlagsOrEnvAndDefaultsStayVllms() {
        VllmCommandLine cmd = VllmCommandLine.of(VllmServerConfig.of("ref", "/m", 8001), k -> null);
        assertThat(cmd.argv()).doesNotContain("--enable-lora", "--max-model-len", "--dtype", "--seed")
                .containsSequence("--logprobs-mode", "processed_logprobs")
                .containsSequence("--generation-config", "vllm")
                .containsSequence("--max-logprobs", "20");
        assertThat(cmd.env()).doesNotContainKeys("VLLM_ALLOW_RUNTIME_LORA_UPDATING", "VLLM_API_KEY",
                "CUDA_VISIBLE_DEVICES");
    }

    @Test
    void aLoraRunTurnsOnRuntimeAdaptersWithTheRankRoundedUpToOneVllmAccepts() {
        LaunchConfig lora = new LaunchConfig(List.of(VllmServerConfig.of("p", "/m", 8001))).withLora(12, 2);
        VllmCommandLine cmd = VllmCommandLine.of(lora.servers().get(0), k -> null);
        assertThat(cmd.argv()).containsSequence("--enable-lora", "--max-loras", "2", "--max-lora-rank", "16");
        assertThat(cmd.env()).containsEntry("VLLM_ALLOW_RUNTIME_LORA_UPDATING", "True");

        VllmServerConfig larger = new VllmServerConfig("p", "/m", null, 8001, null, null, null, null, null, null, true,
                4, 64, null, null, null, null, null, null, null, null).withLora(8, 2);
        assertThat(larger.maxLoraRank()).as("a larger configured rank is kept").isEqualTo(64);
        assertThat(larger.maxLoras()).isEqualTo(4);
        assertThat(VllmServerConfig.of("p", "/m", 8001).withLora(64, 2).maxLoraRank()).isEqualTo(64);
        assertThatThrownBy(() -> VllmServerConfig.of("p", "/m", 8001).withLora(600, 2))
                .hasMessageContaining("exceeds vLLM's largest, 512");
    }

    @Test
    void anUnsetKeyVariableIsAClearError() {
        assertThatThrownBy(() -> VllmCommandLine.of(config(false, "MISSING_KEY"), k -> null))
                .hasMessageContaining("api_key_env names MISSING_KEY, which is not set");
    }

    @Test
    void aHubIdGoesToVllmAsItIsWithItsRevisionAsAFlag() {
        VllmCommandLine plain = VllmCommandLine.of(VllmServerConfig.of("p", "Qwen/Qwen2.5-Math-1.5B", 8001), k -> null);
        assertThat(plain.argv()).containsSequence("serve", "Qwen/Qwen2.5-Math-1.5B", "--host")
                .doesNotContain("--revision");
        VllmCommandLine pinned = VllmCommandLine.of(VllmServerConfig.of("p", "Qwen/Qwen2.5-Math-1.5B@v2", 8001),
                k -> null);
        assertThat(pinned.argv()).containsSequence("serve", "Qwen/Qwen2.5-Math-1.5B", "--revision", "v2", "--host");
    }
}
