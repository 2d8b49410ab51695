package org.prime4j.verifiers.code;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Runs a test suite in the sandbox the way PRIME does (all tests in one interpreter, as its grader does), with
 * one difference: the harness reports each test as it finishes, so when a run is killed (wall-clock limit) or
 * dies (segfault, os._exit, a CPU rlimit) the test in progress fails and a fresh sandbox resumes with the next
 * one, until every test has a verdict or the response's time budget is spent.
 */
final class TestRunner {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String HARNESS = loadHarness();

    private final CodeVerifierConfig config;

    TestRunner(CodeVerifierConfig config) {
        this.config = config;
    }

    TestOutcome run(TestSuite suite, Sandbox sandbox) throws IOException, InterruptedException {
        int n = suite.tests().size();
        Boolean[] ok = new Boolean[n];
        String[] why = new String[n];
        long deadline = System.nanoTime() + config.timeLimit().toNanos();
        int start = 0;
        while (start < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            String nonce = HexFormat.of().formatHex(nonceBytes());
            SandboxRun run = sandbox.run(HARNESS, job(suite, start, nonce, Duration.ofNanos(left)),
                    Duration.ofNanos(left));
            boolean done = read(run, nonce, start, ok, why);
            int next = firstUnreported(ok, start);
            if (done || next == n) {
                break;
            }
            // the harness died or was killed while running test `next`
            ok[next] = false;
            why[next] = run.killed() ? "timeout" : "crashed (exit " + run.exitCode() + ")";
            if (config.allOrNothing()) {
                break;
            }
            start = next + 1;
        }
        int passed = 0;
        String first = "";
        for (int i = 0; i < n; i++) {
            if (Boolean.TRUE.equals(ok[i])) {
                passed++;
            } else if (first.isEmpty()) {
                first = "test " + i + ": " + (why[i] == null ? (ok[i] == null ? "not run (time limit)" : "failed")
                        : why[i]);
            }
        }
        return new TestOutcome(passed, n, first);
    }

    private static byte[] nonceBytes() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }

    private byte[] job(TestSuite suite, int start, String nonce, Duration left) throws JsonProcessingException {
        ObjectNode job = JSON.createObjectNode();
        job.put("nonce", nonce);
        ObjectNode limits = job.putObject("limits");
        limits.put("cpu", Math.max(1, (left.toMillis() + 999) / 1000) + 1);
        limits.put("as", config.limits().addressSpaceBytes());
        limits.put("nproc", config.limits().processes());
        limits.put("fsize", config.limits().fileBytes());
        limits.put("nofile", config.limits().openFiles());
        job.put("kind", suite.kind().wireName());
        job.put("program", suite.program());
        job.put("setup", suite.setup());
        job.put("fn_name", suite.fnName());
        job.putArray("tests").addAll(suite.tests());
        job.put("start", start);
        job.put("test_timeout", config.testTimeout().toMillis() / 1000.0);
        job.put("stop_on_fail", config.allOrNothing());
        return JSON.writeValueAsBytes(job);
    }

    /** Records the verdicts the harness reported; true when it reached its end. */
    private static boolean read(SandboxRun run, String nonce, int start, Boolean[] ok, String[] why)
            throws IOException {
        String prefix = nonce + " ";
        boolean done = false;
        for (String line : new String(run.stdout(), StandardCharsets.UTF_8).split("\n")) {
            if (!line.startsWith(prefix)) {
                continue; // not the harness: nothing without the nonce counts
            }
            JsonNode msg;
            try {
                msg = JSON.readTree(line.substring(prefix.length()));
            } catch (JsonProcessingException e) {
                continue;
            }
            if (msg.has("refused")) {
                throw new IOException("the harness refused to run: " + msg.get("refused").asText());
            }
            if (msg.path("done").asBoolean(false)) {
                done = true;
                continue;
            }
            int i = msg.path("i").asInt(-1);
            if (i >= start && i < ok.length && ok[i] == null) {
                ok[i] = msg.path("ok").asBoolean(false);
                why[i] = msg.path("why").asText("");
            }
        }
        return done;
    }

    private static int firstUnreported(Boolean[] ok, int from) {
        int i = from;
        while (i < ok.length && ok[i] != null) {
            i++;
        }
        return i;
    }

    private static String loadHarness() {
        try (InputStream in = TestRunner.class.getResourceAsStream("harness.py")) {
            if (in == null) {
                throw new IllegalStateException("harness.py missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
