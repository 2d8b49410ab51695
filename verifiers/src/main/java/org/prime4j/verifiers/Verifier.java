package org.prime4j.verifiers;

/**
 * Scores one model response against a ground truth: PRIME's outcome reward.
 *
 * <p>Implementations are discovered with {@link java.util.ServiceLoader} (from the classpath or from plugin
 * jars), so they need a public no-argument constructor and a line in
 * {@code META-INF/services/org.prime4j.verifiers.Verifier}. They may block and may be slow; the framework
 * ({@link org.prime4j.verifiers.runtime.VerificationPool}), not the verifier, enforces deadlines, parallelism
 * and isolation from failures, so an implementation only has to be correct. It must be safe to call from
 * several threads at once.
 *
 * <p>The deadline contract: each call runs on a pool worker thread. When the item's deadline passes, the
 * framework records score 0 with reason {@code timeout} and interrupts that thread. A verifier that blocks
 * should let {@link InterruptedException} propagate; a verifier whose work is a subprocess must kill the
 * subprocess when interrupted (the JVM cannot reclaim it otherwise). A verifier that ignores the interrupt
 * is not waited for: its worker is abandoned (it is a daemon thread, and its late result is dropped) and a
 * fresh worker takes its place, so the pool never shrinks, but the abandoned thread keeps its CPU until the
 * call returns. Anything thrown becomes score 0 with reason {@code error: ...}.
 */
public interface Verifier {

    /** The name a dataset's {@code ability} or {@code verifier} field selects, e.g. {@code math}, {@code code}. */
    String name();

    /**
     * @param item the response, the ground truth and any extra fields this verifier needs
     * @return a score in [0, 1] with a short reason
     * @throws Exception any failure; the framework turns it into score 0 with reason {@code error: ...}
     */
    Verification verify(VerificationItem item) throws Exception;

    /**
     * Called once before a batch, outside any deadline, so that a one-off start-up cost (loading a
     * computer-algebra system, checking for an interpreter) does not make the first item time out.
     *
     * @throws Exception when the verifier cannot work at all; the caller reports it and stops
     */
    default void warmUp() throws Exception {}
}
