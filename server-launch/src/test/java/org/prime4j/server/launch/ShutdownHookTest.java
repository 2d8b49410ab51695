package org.prime4j.server.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every server a JVM started is stopped when that JVM ends: interrupted by a signal ("wait", stopped with
 * SIGTERM as an operator's kill or Ctrl-C would) or exiting on its own ("exit").
 */
class ShutdownHookTest {

    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"wait", "exit"})
    void serversDieWithTheJvmThatStartedThem(String mode) throws Exception {
        Path exe = dir.resolve("vllm");
        Files.writeString(exe, VllmLauncherTest.FAKE_VLLM);
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jvm = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                LaunchThenWait.class.getName(), exe.toString(), Integer.toString(port), dir.toString(), mode))
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null && !line.equals("started")) {
                seen.append(line).append('\n');
            }
            assertThat(line).as("the child JVM started its server; it said:\n%s", seen).isEqualTo("started");
            long child = Long.parseLong(Files.readString(dir.resolve("child.pid")).trim());
            assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).isTrue();

            if (mode.equals("wait")) {
                jvm.destroy(); // SIGTERM: the JVM runs its shutdown hooks, as on Ctrl-C
            }
            assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false))
                    .as("the fake server's python child is stopped by the hook").isFalse();
        } finally {
            jvm.destroyForcibly();
        }
    }

}
