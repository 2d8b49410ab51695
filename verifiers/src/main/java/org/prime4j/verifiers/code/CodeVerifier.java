package org.prime4j.verifiers.code;

import org.prime4j.verifiers.Verification;
import org.prime4j.verifiers.VerificationItem;
import org.prime4j.verifiers.Verifier;

/**
 * PRIME's code outcome reward: the last fenced Python block of the response, run against the item's tests in
 * a {@link Sandbox}; the score is the fraction of the (first 10) tests passed, or all-or-nothing by option.
 * A malformed test spec or an unusable sandbox scores 0 with a reason, it never throws; only an interrupt
 * (the framework's deadline) propagates, after the sandbox has been killed.
 */
public final class CodeVerifier implements Verifier {

    private final CodeVerifierConfig config;
    private final TestRunner runner;
    private Sandbox sandbox;
    private String unavailable;

    /** The ServiceLoader entry point: {@link CodeVerifierConfig#defaults()}. */
    public CodeVerifier() {
        this(CodeVerifierConfig.defaults());
    }

    public CodeVerifier(CodeVerifierConfig config) {
        this.config = config;
        this.runner = new TestRunner(config);
    }

    @Override
    public String name() {
        return "code";
    }

    public CodeVerifierConfig config() {
        return config;
    }

    /**
     * Probes the sandbox outside any deadline (the framework calls this before a batch).
     *
     * @throws SandboxUnavailableException when no sandbox works here: code items cannot be scored at all
     */
    public void warmUp() throws SandboxUnavailableException, InterruptedException {
        if (sandbox() == null) {
            throw new SandboxUnavailableException(unavailable);
        }
    }

    @Override
    public Verification verify(VerificationItem item) throws Exception {
        String code = PythonBlock.extract(item.response());
        if (code.isBlank()) {
            return Verification.wrong("no code");
        }
        TestSuite suite;
        try {
            suite = TestSuites.from(item, code, config.maxTests());
        } catch (BadTestSpecException e) {
            return Verification.wrong("bad test spec: " + e.getMessage());
        }
        Sandbox s = sandbox();
        if (s == null) {
            return Verification.wrong(unavailable);
        }
        TestOutcome o = runner.run(suite, s);
        boolean all = o.passed() == o.total();
        double score = config.allOrNothing() ? (all ? 1.0 : 0.0) : o.passed() / (double) o.total();
        String reason = "passed " + o.passed() + "/" + o.total() + (all ? "" : ", " + o.firstFailure());
        return new Verification(score, reason);
    }

    /** The sandbox, probed once; null (and {@link #unavailable} set) when none works here. */
    private synchronized Sandbox sandbox() throws InterruptedException {
        if (sandbox == null && unavailable == null) {
            try {
                sandbox = Sandbox.open(config);
            } catch (SandboxUnavailableException e) {
                unavailable = e.getMessage();
            }
        }
        return sandbox;
    }
}
