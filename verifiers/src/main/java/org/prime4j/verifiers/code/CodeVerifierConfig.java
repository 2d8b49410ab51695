package org.prime4j.verifiers.code;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the code verifier runs and scores programs.
 *
 * @param python        the interpreter, an absolute path visible inside the sandbox (bwrap binds /usr, /bin,
 *                      /lib*: a pyenv interpreter under /root is not reachable)
 * @param sandbox       the isolation to use; the verifier never runs a program unsandboxed
 * @param timeLimit     wall-clock budget for one response, all its tests and restarts included
 * @param testTimeout   per-test limit (and for loading the program), enforced inside the interpreter; the JVM
 *                      kills the whole sandbox at {@code timeLimit} whatever the program does
 * @param maxTests      only the first tests count, as in PRIME (10)
 * @param allOrNothing  score 1 only when every counted test passes, else the fraction passed
 * @param limits        rlimits of the sandboxed process tree
 * @param firstUid      the sandbox uids are {@code firstUid .. firstUid + uidCount - 1}, one per concurrent run
 *                      so that RLIMIT_NPROC counts each run alone; pick ids no real account uses
 * @param uidCount      also the maximum number of concurrent runs (more wait for a free uid)
 */
public record CodeVerifierConfig(Path python, SandboxMode sandbox, Duration timeLimit, Duration testTimeout,
                                 int maxTests, boolean allOrNothing, ResourceLimits limits,
                                 int firstUid, int uidCount) {

    public CodeVerifierConfig {
        Objects.requireNonNull(python, "python");
        Objects.requireNonNull(sandbox, "sandbox");
        Objects.requireNonNull(timeLimit, "timeLimit");
        Objects.requireNonNull(testTimeout, "testTimeout");
        Objects.requireNonNull(limits, "limits");
        if (!python.isAbsolute()) {
            throw new IllegalArgumentException("python must be an absolute path, got " + python);
        }
        if (timeLimit.toMillis() < 100) {
            throw new IllegalArgumentException("timeLimit must be >= 100 ms, got " + timeLimit);
        }
        if (testTimeout.toMillis() < 10 || testTimeout.compareTo(timeLimit) > 0) {
            throw new IllegalArgumentException("testTimeout must lie in [10 ms, timeLimit], got " + testTimeout);
        }
        if (maxTests < 1) {
            throw new IllegalArgumentException("maxTests must be >= 1, got " + maxTests);
        }
        if (firstUid < 1000 || uidCount < 1 || (long) firstUid + uidCount > 4_294_967_294L) {
            throw new IllegalArgumentException("sandbox uids must lie in [1000, 2^32 - 2], got firstUid "
                    + firstUid + ", uidCount " + uidCount);
        }
    }

    /**
     * {@code /usr/bin/python3}, AUTO sandbox, 10 s per response, 5 s per test (PRIME's limit), the first 10
     * tests, fractional score, {@link ResourceLimits#defaults()}, uids 1900000000 and the 63 after it.
     */
    public static CodeVerifierConfig defaults() {
        return new CodeVerifierConfig(Path.of("/usr/bin/python3"), SandboxMode.AUTO, Duration.ofSeconds(10),
                Duration.ofSeconds(5), 10, false, ResourceLimits.defaults(), 1_900_000_000, 64);
    }

    public CodeVerifierConfig withTimes(Duration timeLimit, Duration testTimeout) {
        return new CodeVerifierConfig(python, sandbox, timeLimit, testTimeout, maxTests, allOrNothing, limits,
                firstUid, uidCount);
    }

    public CodeVerifierConfig withSandbox(SandboxMode sandbox) {
        return new CodeVerifierConfig(python, sandbox, timeLimit, testTimeout, maxTests, allOrNothing, limits,
                firstUid, uidCount);
    }

    public CodeVerifierConfig withAllOrNothing(boolean allOrNothing) {
        return new CodeVerifierConfig(python, sandbox, timeLimit, testTimeout, maxTests, allOrNothing, limits,
                firstUid, uidCount);
    }

    public CodeVerifierConfig withLimits(ResourceLimits limits) {
        return new CodeVerifierConfig(python, sandbox, timeLimit, testTimeout, maxTests, allOrNothing, limits,
                firstUid, uidCount);
    }
}
