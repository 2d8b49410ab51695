package org.prime4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serve and launch commands' error paths and a launch against a fake vllm executable. */
class ServeLaunchCommandsTest {

    @TempDir Path dir;



    @Test
    void serveNamesAMissingModelDirectory() {
        CliRun r = CliRun.of("serve", "--model", dir.resolve("nope").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("is not a directory");
    }

    @Test
    void launchNamesTheBadFieldAndLine() throws IOException {
        Path yaml = Files.writeString(dir.resolve("launch.yaml"),
                "servers:\n  - name: p\n    model: m\n    port: 8000\n    tensor_parallel_size: 0\n");
        CliRun r = CliRun.of("launch", "--config", yaml.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("launch.yaml line").contains("tensor_parallel_size must be at least 1");
    }

    @Test
    void launchStartsAFakeVllmAndStopsItAfterTheCheck() throws IOException {
        Path fake = dir.resolve("vllm");
        Files.writeString(fake, """
                #!/usr/bin/env bash
                port=""; while [ $# -gt 0 ]; do case "$1" in --port) port="$2"; shift;; esac; shift; done
                mkdir -p "$WWW" && touch "$WWW/health"
                exec /usr/bin/python3 -m http.server "$port" --bind 127.0.0.1 --directory "$WWW"
                """);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path yaml = Files.writeString(dir.resolve("launch.yaml"), "servers:\n  - name: policy\n    model: /m\n"
                + "    port: " + port + "\n    executable: " + fake + "\n    log_file: " + dir.resolve("policy.log")
                + "\n    env: {WWW: " + dir.resolve("www") + "}\n");
        CliRun r = CliRun.of("launch", "--config", yaml.toString(), "--exit-when-healthy");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("healthy: vLLM 'policy' at http://127.0.0.1:" + port);
    }
}
