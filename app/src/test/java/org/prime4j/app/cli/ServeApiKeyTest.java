package org.prime4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prime4j.testkit.RepoFiles;

/** Where {@code prime4j serve} takes its API key from: a key in argv is visible to every user through ps. */
class ServeApiKeyTest {

    @Test
    void theKeyComesFromTheNamedVariableThenVllmApiKey() {
        Map<String, String> env = Map.of("MY_KEY", "k-from-env", "VLLM_API_KEY", "k-vllm");
        assertThat(ServeCommand.apiKey(null, "MY_KEY", env)).isEqualTo("k-from-env");
        assertThat(ServeCommand.apiKey(null, null, env)).isEqualTo("k-vllm");
        assertThat(ServeCommand.apiKey("k-argv", null, env)).isEqualTo("k-argv");
        assertThat(ServeCommand.apiKey(null, null, Map.of())).isNull();
        assertThat(ServeCommand.apiKey(null, null, Map.of("VLLM_API_KEY", " "))).isNull();
    }

    @Test
    void aMissingVariableOrBothOptionsAreErrors() {
        assertThatThrownBy(() -> ServeCommand.apiKey(null, "NOT_SET", Map.of("VLLM_API_KEY", "k")))
                .hasMessage("--api-key-env NOT_SET: the variable is not set");
        assertThatThrownBy(() -> ServeCommand.apiKey("k", "MY_KEY", Map.of("MY_KEY", "x")))
                .hasMessage("give --api-key or --api-key-env, not both");
    }

    @Test
    void serveRefusesAnUnsetKeyVariableInOneLine() {
        CliRun r = CliRun.of("serve", "--model", RepoFiles.example("arithmetic/sft").toString(), "--api-key-env", "PRIME4J_SURELY_UNSET_VAR");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n")
                .contains("--api-key-env PRIME4J_SURELY_UNSET_VAR: the variable is not set");
    }
}
