package org.prime4j.server.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.server.health.HealthProbe;

/**
 * The launcher against a fake {@code vllm} executable (a bash script) that records its command line and
 * environment and then, by mode, serves {@code /health} through a Python child process, never becomes
 * healthy, dies at once, or ignores SIGTERM.
 */
class VllmLauncherTest {

    static final String FAKE_VLLM = """
            #!/usr/bin/env bash
            printf '%s\\n' "$@" > "$FAKE_VLLM_DIR/args"
            env > "$FAKE_VLLM_DIR/env"
            echo "fake vllm: starting $2"
            port=""; host=""
            while [ $# -gt 0 ]; do
              case "$1" in --port) port="$2"; shift;; --host) host="$2"; shift;; esac
              shift
            done
            serve() {
              mkdir -p "$FAKE_VLLM_DIR/www" && touch "$FAKE_VLLM_DIR/www/health"
              /usr/bin/python3 -m http.server "$port" --bind "$host" --directory "$FAKE_VLLM_DIR/www" &
              echo $! > "$FAKE_VLLM_DIR/child.pid"
              wait
            }
            case "$FAKE_VLLM_MODE" in
              healthy) serve ;;
              stubborn) trap '' TERM; serve ;;
              never) echo "loading weights ..."; sleep 1000 & echo $! > "$FAKE_VLLM_DIR/child.pid"; wait ;;
              die) echo "Traceback (most recent call last):"; echo "torch.OutOfMemoryError: CUDA out of memory"; exit 3 ;;
            esac
            """;

    @TempDir Path dir;
    Path executable;
    final VllmLauncher launcher = new VllmLauncher(
            k -> k.equals("TEST_VLLM_KEY") ? "sk-test-123" : null, Duration.ofMillis(100), Duration.ofSeconds(2));

    @BeforeEach
    void writeFakeVllm() throws IOException {
        executable = dir.resolve("bin/vllm");
        Files.createDirectories(executable.getParent());
        Files.writeString(executable, FAKE_VLLM);
        Files.setPosixFilePermissions(executable, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * Whether the child process the fake server recorded is still running after it was told to stop: waits
     * for it to end (a generous hang guard, not a speed requirement) before answering.
     */
    boolean childAlive(String name) throws IOException {
        long pid = Long.parseLong(Files.readString(dir.resolve(name + "/child.pid")).trim());
        return ProcessHandle.of(pid).map(VllmLauncherTest::stillAliveAfterGuard).orElse(false);
    }

    static boolean stillAliveAfterGuard(ProcessHandle h) {
        try {
            h.onExit().get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return true;
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
        return h.isAlive();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    VllmServerConfig config(String name, String mode, int port, int timeoutSeconds) throws IOException {
        Path work = Files.createDirectories(dir.resolve(name));
        return new VllmServerConfig(name, "/models/tiny", null, port, null, null, 512, null, null, "tiny", true,
                null, null, null, "TEST_VLLM_KEY", "1", executable.toString(), dir.resolve("logs/" + name + ".log"),
                timeoutSeconds, null, Map.of("FAKE_VLLM_MODE", mode, "FAKE_VLLM_DIR", work.toString()));
    }

    @Test
    void startsWithTheCommandLineAndEnvWaitsForHealthAndStopsTheWholeTree() throws Exception {
        int port = freePort();
        VllmServerConfig c = config("policy", "healthy", port, 30);
        RunningServer server = launcher.start(c);
        try {
            assertThat(new HealthProbe(Duration.ofSeconds(2)).healthy(server.baseUrl())).isTrue();
            assertThat(server.baseUrl().toString()).isEqualTo("http://127.0.0.1:" + port);
            List<String> args = Files.readAllLines(dir.resolve("policy/args"));
            assertThat(args).containsSubsequence("serve", "/models/tiny", "--port", Integer.toString(port),
                    "--max-model-len", "512", "--enable-lora", "--logprobs-mode", "processed_logprobs",
                    "--max-logprobs", "20", "--generation-config", "vllm");
            assertThat(args).doesNotContain("sk-test-123");
            assertThat(Files.readAllLines(dir.resolve("policy/env"))).contains("VLLM_SERVER_DEV_MODE=1",
                    "VLLM_ALLOW_RUNTIME_LORA_UPDATING=True", "CUDA_VISIBLE_DEVICES=1", "VLLM_API_KEY=sk-test-123");
            assertThat(server.processTree()).hasSizeGreaterThanOrEqualTo(2); // bash and its python child
        } finally {
            server.close();
            assertThat(server.isAlive()).isFalse();
            assertThat(childAlive("policy")).as("the python child is gone too").isFalse();
        }
        assertThat(Files.readString(server.logFile())).contains("fake vllm: starting /models/tiny");
    }

    @Test
    void aServerThatNeverBecomesHealthyFailsAtTheDeadlineWithItsLogTailAndIsStopped() throws Exception {
        VllmServerConfig c = config("slow", "never", freePort(), 2);
        // the deadline, not a crash or a hang, ended the start: the message says which
        assertThatThrownBy(() -> launcher.start(c))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("'slow' did not answer")
                .hasMessageContaining("within 2 s")
                .hasMessageContaining("loading weights ...");
        assertThat(childAlive("slow")).as("the fake's sleeping child was stopped too").isFalse();
    }

    @Test
    @Timeout(120) // a hang guard: the start-up deadline is 600 s, so only noticing the exit ends this early
    void aServerThatDiesDuringStartFailsFastQuotingItsLog() throws Exception {
        VllmServerConfig c = config("oom", "die", freePort(), 600);
        assertThatThrownBy(() -> launcher.start(c))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("'oom' exited with code 3 during start-up") // not "did not answer within"
                .hasMessageContaining("torch.OutOfMemoryError: CUDA out of memory");
    }

    @Test
    void aServerIgnoringSigtermIsKilledAfterTheGracePeriod() throws Exception {
        RunningServer server = launcher.start(config("stubborn", "stubborn", freePort(), 30));
        List<ProcessHandle> tree = server.processTree();
        server.close();
        assertThat(tree).noneMatch(VllmLauncherTest::stillAliveAfterGuard);
        // SIGTERM was ignored, so it took SIGKILL: 128 + 9
        assertThat(server.exitValue()).as("exit status of the fake vllm").isEqualTo(137);
    }

    @Test
    void startAllStopsTheServersThatStartedWhenAnotherFails() throws Exception {
        LaunchConfig launch = new LaunchConfig(List.of(config("good", "healthy", freePort(), 30),
                config("bad", "die", freePort(), 30)));
        assertThatThrownBy(() -> launcher.startAll(launch)).hasMessageContaining("'bad' exited");
        assertThat(childAlive("good")).isFalse();
    }

    @Test
    void anUnsetApiKeyVariableStopsTheLaunchBeforeAnythingStarts() throws Exception {
        VllmServerConfig good = config("first", "healthy", freePort(), 30);
        VllmServerConfig c = config("keyless", "healthy", freePort(), 30);
        VllmServerConfig keyless = new VllmServerConfig(c.name(), c.model(), c.host(), c.port(), null, null, null,
                null, null, null, null, null, null, null, "NOT_SET_ANYWHERE", null, c.executable(), c.logFile(), 30,
                null, c.env());
        assertThatThrownBy(() -> launcher.startAll(new LaunchConfig(List.of(good, keyless))))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("api_key_env names NOT_SET_ANYWHERE, which is not set");
        assertThat(dir.resolve("first/args")).doesNotExist();
    }

    @Test
    void aMissingExecutableIsAClearError() throws Exception {
        VllmServerConfig c = config("x", "healthy", freePort(), 5);
        VllmServerConfig missing = new VllmServerConfig(c.name(), c.model(), c.host(), c.port(), null, null, null,
                null, null, null, null, null, null, null, null, null, dir.resolve("nope/vllm").toString(),
                c.logFile(), 5, null, null);
        assertThatThrownBy(() -> launcher.start(missing))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("cannot run " + dir.resolve("nope/vllm"));
    }
}
