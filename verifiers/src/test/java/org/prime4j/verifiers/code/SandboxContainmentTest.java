package org.prime4j.verifiers.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.prime4j.testkit.Requirement;
import org.prime4j.verifiers.Verification;
import org.prime4j.verifiers.VerificationItem;

/**
 * Hostile programs in every sandbox kind: each must score 0 for the reason its limit gives (ENOSPC, EFBIG,
 * MemoryError, the wall-clock kill reported as a timeout), leaving no process and no working directory behind.
 * Each containment check has a control that passes when the program's goal is reachable, so a check cannot pass
 * by accident. Limits are asserted by their effect, never by how long a run took: the only clock is a generous
 * per-test hang guard. Every sandbox kind is a parameter on every machine; where one does not work its runs
 * are skipped by name ({@link Requirement#BWRAP}, {@link Requirement#UNSHARE}), failures when required.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // hang guard only: a healthy test takes seconds
class SandboxContainmentTest {

    private static final Duration LIMIT = Duration.ofSeconds(2);
    private static final Duration TEST_LIMIT = Duration.ofSeconds(1);

    private static final Map<SandboxMode, CodeVerifier> VERIFIERS = new ConcurrentHashMap<>();

    private CodeVerifierConfig lastConfig;

    static Stream<SandboxMode> sandboxes() {
        return Items.SANDBOXES.stream();
    }

    /**
     * Small file and directory caps for the size checks: they hit the same limits as the defaults do, with 30x
     * less data to write, so a loaded machine does not turn ENOSPC into a timeout.
     */
    private static final ResourceLimits SMALL_FILES = new ResourceLimits(2L << 30, 32, 4L << 20, 64, 8L << 20);
    private static final Map<SandboxMode, CodeVerifier> SMALL_FILE_VERIFIERS = new ConcurrentHashMap<>();

    private Verification verify(SandboxMode mode, String code, String expectedOutput) throws Exception {
        return verify(VERIFIERS.computeIfAbsent(mode, m -> new CodeVerifier(Items.config(m, LIMIT, TEST_LIMIT))),
                code, expectedOutput);
    }

    private Verification verifySmallFiles(SandboxMode mode, String code, String expectedOutput) throws Exception {
        return verify(SMALL_FILE_VERIFIERS.computeIfAbsent(mode,
                m -> new CodeVerifier(Items.config(m, LIMIT, TEST_LIMIT).withLimits(SMALL_FILES))), code, expectedOutput);
    }

    private Verification verify(CodeVerifier v, String code, String expectedOutput) throws Exception {
        lastConfig = v.config();
        v.warmUp();
        ObjectNode gt = Items.JSON.createObjectNode();
        gt.putArray("inputs").add("");
        gt.putArray("outputs").add(expectedOutput);
        return v.verify(Items.io(code, gt.toString()));
    }

    private List<String> processesBefore;
    private List<Path> dirsBefore;

    /** What an earlier, killed JVM may have left (a JVM cannot clean up after SIGKILL) is not this test's. */
    @BeforeEach
    void snapshot() throws IOException {
        processesBefore = Items.sandboxProcesses(Items.config(SandboxMode.AUTO, LIMIT, TEST_LIMIT));
        dirsBefore = Items.leftoverDirs();
    }

    @AfterEach
    void nothingLeft() throws IOException {
        if (lastConfig != null) {
            assertThat(Items.sandboxProcesses(lastConfig)).as("sandbox processes still running")
                    .isSubsetOf(processesBefore);
        }
        assertThat(Items.leftoverDirsSince(dirsBefore, Duration.ofSeconds(60)))
                .as("sandbox working directories left behind").isEmpty();
    }

    @ParameterizedTest
    @MethodSource("sandboxes")
    void filesOutsideTheWorkingDirectoryAreOutOfReach(SandboxMode mode, @TempDir Path tmp) throws Exception {
        Items.assumeSandbox(mode);
        Path secret = tmp.resolve("secret.txt");
        Files.writeString(secret, "s3cr3t");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        String read = "print(open(%s).read().strip())";
        assertThat(verify(mode, "print('s3cr3t')", "s3cr3t").score()).as("control").isEqualTo(1.0);
        assertThat(verify(mode, read.formatted(py(secret)), "s3cr3t").score()).isEqualTo(0.0);

        // a world-readable file of this project: hidden by the sandbox's file system view, not by its mode
        Path pom = Path.of("pom.xml").toAbsolutePath();
        Assumptions.assumeTrue(Files.isReadable(pom));
        String first = Files.readAllLines(pom).get(0).strip();
        assertThat(verify(mode, "print(open(%s).readline().strip())".formatted(py(pom)), first).score())
                .isEqualTo(0.0);
        assertThat(verify(mode, "print(open('/etc/shadow').read()[:4])", "root").score()).isEqualTo(0.0);
    }

    @ParameterizedTest
    @MethodSource("sandboxes")
    void noNetworkNotEvenLoopback(SandboxMode mode) throws Exception {
        Items.assumeSandbox(mode);
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            AtomicInteger accepted = new AtomicInteger();
            server.setSoTimeout(200);
            CompletableFuture<Void> acceptor = CompletableFuture.runAsync(() -> {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
                while (System.nanoTime() < until) {
                    try (Socket s = server.accept()) {
                        accepted.incrementAndGet();
                    } catch (SocketTimeoutException e) {
                        // keep listening
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            String code = "import socket\ns = socket.create_connection(('127.0.0.1', %d), timeout=1)\n"
                    + "s.sendall(b'hello')\nprint('connected')";
            assertThat(verify(mode, code.formatted(server.getLocalPort()), "connected").score()).isEqualTo(0.0);
            assertThat(verify(mode, "print('connected')", "connected").score()).as("control").isEqualTo(1.0);
            server.close();
            acceptor.get(10, TimeUnit.SECONDS);
            assertThat(accepted.get()).as("connections that reached the host").isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("sandboxes")
    void forkBombIsCappedAndKilled(SandboxMode mode) throws Exception {
        Items.assumeSandbox(mode);
        // bounded probe: counts the forks the sandbox allows (children sleep, then exit)
        String count = String.join("\n",
                "import os, time",
                "n = 0",
                "for _ in range(300):",
                "    try:",
                "        if os.fork() == 0:",
                "            time.sleep(30)",
                "            os._exit(0)",
                "        n += 1",
                "    except OSError:",
                "        break",
                "print('capped' if n < 64 else 'uncapped %d' % n)");
        assertThat(verify(mode, count, "capped").reason()).isEqualTo("passed 1/1");
        String bomb = String.join("\n",
                "import os",
                "while True:",
                "    try:",
                "        os.fork()",
                "    except BaseException:",
                "        pass");
        Verification v = verify(mode, bomb, "anything");
        assertThat(v.score()).isEqualTo(0.0);
        assertThat(v.reason()).isEqualTo("passed 0/1, test 0: timeout");
    }

    @ParameterizedTest
    @MethodSource("sandboxes")
    void infiniteLoopsTimeOut(SandboxMode mode) throws Exception {
        Items.assumeSandbox(mode);
        Verification plain = verify(mode, "while True:\n    pass", "1");
        assertThat(plain.reason()).isEqualTo("passed 0/1, test 0: timeout");
        // swallows the harness's per-test alarm: only the JVM's wall-clock kill ends it
        String stubborn = "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass";
        Verification v = verify(mode, stubborn, "1");
        assertThat(v.reason()).isEqualTo("passed 0/1, test 0: timeout");
    }

    @ParameterizedTest
    @MethodSource("sandboxes")
    void hugeAllocationFails(SandboxMode mode) throws Exception {
        Items.assumeSandbox(mode);
        Verification v = verify(mode, "x = bytearray(16 << 30)\nprint(len(x))", String.valueOf(16L << 30));
        assertThat(v.score()).isEqualTo(0.0);
        assertThat(v.reason()).isEqualTo("passed 0/1, test 0: runtime error: MemoryError");
        assertThat(verify(mode, "x = bytearray(64 << 20)\nprint(len(x))", String.valueOf(64L << 20)).score())
                .as("control: 64 MiB is allowed").isEqualTo(1.0);
    }

    @ParameterizedTest
    @MethodSource("sandboxes")
    void filesAreCappedInSize(SandboxMode mode) throws Exception {
        Items.assumeSandbox(mode);
        // 16 x 1 MiB against a 4 MiB per-file cap
        String code = "with open('big', 'wb') as f:\n    for _ in range(16):\n        f.write(bytes(1 << 20))\nprint('wrote')";
        Verification v = verifySmallFiles(mode, code, "wrote");
        assertThat(v.reason()).startsWith("passed 0/1, test 0: runtime error: OSError: [Errno 27] File too large");
        String flood = "while True:\n    print('x' * 4096)";
        assertThat(verifySmallFiles(mode, flood, "x").score()).isEqualTo(0.0);
        // many files, each under the per-file cap, cannot fill more than the working directory's 8 MiB tmpfs
        String fill = "import os\nfor i in range(4):\n    with open('f%d' % i, 'wb') as f:\n"
                + "        f.write(bytes(3 << 20))\nprint(os.getcwd())";
        assertThat(verifySmallFiles(mode, fill, "/box").reason())
                .startsWith("passed 0/1, test 0: runtime error: OSError: [Errno 28] No space left on device");
        String small = "with open('f', 'wb') as f:\n    f.write(bytes(3 << 20))\nprint('ok')";
        assertThat(verifySmallFiles(mode, small, "ok").score()).as("control: one 3 MiB file fits").isEqualTo(1.0);
        String two = "for i in range(2):\n    with open('f%d' % i, 'wb') as f:\n        f.write(bytes(3 << 20))\nprint('ok')";
        assertThat(verifySmallFiles(mode, two, "ok").score()).as("control: two 3 MiB files fit in 8 MiB").isEqualTo(1.0);
    }

    @ParameterizedTest
    @MethodSource("sandboxes")
    void backgroundProcessesAndThreadsDieWithTheRun(SandboxMode mode) throws Exception {
        Items.assumeSandbox(mode);
        String code = String.join("\n",
                "import os, threading, time",
                "threading.Thread(target=lambda: time.sleep(600)).start()",
                "if os.fork() == 0:",
                "    os.setsid()",
                "    time.sleep(600)",
                "print('bye')");
        // Held up by the sleeping thread or process, the run would end only at the wall-clock kill: a timeout.
        // The process tree being gone afterwards is checked after each test.
        assertThat(verify(mode, code, "bye").reason()).as("not held up by the stragglers").isEqualTo("passed 1/1");
    }

    @Test
    void bothSandboxesWorkOnThisMachine() {
        // CI requires all three (PRIME4J_REQUIRE), so neither sandbox can silently drop out there
        Requirement.ROOT.assume("root".equals(System.getProperty("user.name")), "the tests do not run as root");
        Items.assumeSandbox(SandboxMode.UNSHARE);
        Items.assumeSandbox(SandboxMode.BWRAP);
        assertThat(Items.SANDBOXES).allSatisfy(m -> assertThat(Items.sandboxProblem(m)).isEmpty());
    }

    @Test
    void refusesToRunWithoutAWorkingSandbox() throws Exception {
        CodeVerifierConfig broken = new CodeVerifierConfig(Path.of("/nonexistent/python3"), SandboxMode.AUTO,
                LIMIT, TEST_LIMIT, 10, false, ResourceLimits.defaults(), 1_900_000_000, 64);
        CodeVerifier v = new CodeVerifier(broken);
        Verification r = v.verify(Items.io("print(1)", "{\"inputs\": [\"\"], \"outputs\": [\"1\"]}"));
        assertThat(r.score()).isEqualTo(0.0);
        // each sandbox kind says why it failed, bubblewrap first; without bubblewrap its reason is that
        assertThat(r.reason()).matches("sandbox unavailable \\(BWRAP: (probe says ''|bwrap not found); UNSHARE: .+\\)");
        assertThatThrownBy(v::warmUp).isInstanceOf(SandboxUnavailableException.class);
    }

    @ParameterizedTest
    @MethodSource("sandboxes")
    void anInterruptKillsTheSandbox(SandboxMode mode) throws Exception {
        Items.assumeSandbox(mode);
        // Limits far beyond the hang guards: only the interrupt can end this run before the guards fire.
        lastConfig = Items.config(mode, Duration.ofHours(1), Duration.ofHours(1));
        CodeVerifier v = new CodeVerifier(lastConfig);
        VerificationItem loop = Items.io("while True:\n    pass", "{\"inputs\": [\"\"], \"outputs\": [\"1\"]}");
        v.warmUp();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Verification> f = pool.submit(() -> v.verify(loop));
            long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (Items.sandboxProcesses(lastConfig).isEmpty() && System.nanoTime() < guard && !f.isDone()) {
                Thread.sleep(50);
            }
            assertThat(Items.sandboxProcesses(lastConfig)).as("the loop runs").isNotEmpty();
            f.cancel(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).as("verify returned after the interrupt").isTrue();
            assertThat(Items.sandboxProcesses(lastConfig)).as("the sandbox's processes are gone when verify returns")
                    .isSubsetOf(processesBefore);
            assertThatThrownBy(f::get).isInstanceOf(CancellationException.class);
        } finally {
            pool.shutdownNow();
        }
    }

    private static String py(Path p) {
        return "'" + p.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
