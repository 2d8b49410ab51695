package org.prime4j.verifiers.code;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.prime4j.testkit.Requirement;
import org.prime4j.verifiers.VerificationItem;

/** Test fixtures shared by the code-verifier tests. */
final class Items {

    static final ObjectMapper JSON = new ObjectMapper();

    private Items() {
    }

    static String fenced(String code) {
        return "Here is my solution.\n\n```python\n" + code + "\n```\n";
    }

    /** An Eurus-2-RL-Data style item: the tests are a JSON string in ground_truth. */
    static VerificationItem io(String code, String groundTruthJson) {
        return VerificationItem.of(fenced(code), groundTruthJson);
    }

    static VerificationItem withExtra(String response, String json) {
        try {
            return new VerificationItem(response, "", (ObjectNode) JSON.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sandbox uids of this JVM's own (derived from its pid, away from the default range), so that the process
     * checks see only this JVM's sandboxes while other builds on the machine run the code verifier too.
     */
    static final int FIRST_UID = 1_900_000_000 + 64 * (int) (1 + ProcessHandle.current().pid() % 1_000_000);

    /** A config for tests: the given sandbox and limits, and this JVM's uid range. */
    static CodeVerifierConfig config(SandboxMode mode, Duration timeLimit, Duration testTimeout) {
        CodeVerifierConfig d = CodeVerifierConfig.defaults();
        return new CodeVerifierConfig(d.python(), mode, timeLimit, testTimeout, d.maxTests(), d.allOrNothing(),
                d.limits(), FIRST_UID, d.uidCount());
    }

    /**
     * Whether Debian's python3-numpy works for the sandboxed interpreter (it is optional). A leftover directory
     * can make a bare {@code import numpy} succeed as a namespace package, so the probe computes something.
     */
    static boolean numpyImportable() {
        try {
            Process p = new ProcessBuilder(CodeVerifierConfig.defaults().python().toString(), "-c",
                    "import numpy; numpy.arange(3).sum()")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Every sandbox kind the verifier can be told to use: tests are parameterized over all of them. */
    static final List<SandboxMode> SANDBOXES = List.of(SandboxMode.BWRAP, SandboxMode.UNSHARE);

    private static final Map<SandboxMode, Optional<String>> PROBLEMS = new ConcurrentHashMap<>();

    /** Why {@code mode} cannot open a sandbox on this machine, or empty when it can (probed once per mode). */
    static Optional<String> sandboxProblem(SandboxMode mode) {
        return PROBLEMS.computeIfAbsent(mode, m -> {
            try {
                Sandbox.open(CodeVerifierConfig.defaults().withSandbox(m));
                return Optional.empty();
            } catch (SandboxUnavailableException e) {
                String tool = m == SandboxMode.BWRAP ? "bubblewrap" : "util-linux unshare + setpriv";
                return Optional.of(m + " cannot open a sandbox here (" + tool + "): " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("interrupted while probing " + m);
            }
        });
    }

    /**
     * Skips the calling test, named, when {@code mode} does not work here; a failure instead when
     * {@code PRIME4J_REQUIRE} / {@code -Dprime4j.require} lists it. Call it inside the test method.
     */
    static void assumeSandbox(SandboxMode mode) {
        Optional<String> problem = sandboxProblem(mode);
        Requirement.valueOf(mode.name()).assume(problem.isEmpty(), problem.orElse(""));
    }

    /** Live processes whose real uid lies in the verifier's sandbox uid range. */
    static List<String> sandboxProcesses(CodeVerifierConfig c) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().matches("\\d+")).forEach(p -> {
                try {
                    for (String line : Files.readAllLines(p.resolve("status"))) {
                        if (line.startsWith("Uid:")) {
                            long uid = Long.parseLong(line.split("\\s+")[1]);
                            if (uid >= c.firstUid() && uid < (long) c.firstUid() + c.uidCount()) {
                                found.add(p.getFileName() + " uid " + uid);
                            }
                        }
                    }
                } catch (IOException | UncheckedIOException e) {
                    // exited while we looked
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** Sandbox working directories left in the temp dir. */
    static List<Path> leftoverDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("prime4j-code-")).toList();
        }
    }

    /**
     * Sandbox working directories that are not in {@code before} and still exist after {@code guard}. The temp
     * dir is shared with every other build on the machine: a directory of someone else's run in flight vanishes
     * when that run ends, a leaked one never does, so new directories are given until the guard to go.
     */
    static List<Path> leftoverDirsSince(List<Path> before, Duration guard) throws IOException {
        long until = System.nanoTime() + guard.toNanos();
        List<Path> left = new ArrayList<>(leftoverDirs());
        left.removeAll(before);
        while (!left.isEmpty() && System.nanoTime() < until) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            left.removeIf(p -> !Files.exists(p));
        }
        return left;
    }
}
