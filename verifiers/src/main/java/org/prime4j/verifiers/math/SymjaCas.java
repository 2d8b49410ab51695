package org.prime4j.verifiers.math;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import org.matheclipse.core.basic.Config;
import org.matheclipse.core.eval.EvalEngine;
import org.matheclipse.core.eval.ExprEvaluator;
import org.matheclipse.core.expression.F;
import org.matheclipse.core.form.tex.TeXParser;
import org.matheclipse.core.interfaces.IExpr;

/**
 * Symbolic equality through Symja, which parses LaTeX. Loaded only when string and numeric comparison could
 * not decide, so a run that never needs it never pays Symja's start-up (about a second).
 *
 * <p>Symja keeps its evaluation state per thread, so each thread gets its own evaluator. Every evaluation
 * runs under Symja's {@code TimeConstrained} with the caller's limit (checked cooperatively by Symja's
 * engine, so it can overshoot; the verification pool's deadline is the hard bound).
 */
final class SymjaCas {

    private static final double REL_TOL = 1e-4;

    static {
        // Symja logs through log4j-api with no backend: without these it prints a warning on first use.
        setIfAbsent("log4j2.loggerContextFactory", "org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
        setIfAbsent("org.apache.logging.log4j.simplelog.level", "OFF");
        setIfAbsent("org.apache.logging.log4j.simplelog.StatusLogger.level", "OFF");
        setIfAbsent("log4j2.statusLoggerLevel", "OFF");
        Config.TIMECONSTRAINED_NO_THREAD = true; // no helper thread per evaluation
        Config.FILESYSTEM_ENABLED = false; // model-written text must never reach the file system
    }

    private static final ThreadLocal<ExprEvaluator> EVALUATOR = ThreadLocal.withInitial(SymjaCas::quietEvaluator);

    /**
     * Symja prints its messages ({@code $IterationLimit: Iteration limit of 1000 exceeded ...},
     * {@code General: Overflow occurred in computation.}) to the engine's print streams, which default to
     * System.out and System.err: on stdout they corrupt {@code prime4j verify}'s JSONL. A verdict never needs
     * them (a failed evaluation is already "not equal"), so they are dropped, for the evaluator's engine and
     * for the thread's current engine (the one the LaTeX parser uses).
     */
    private static ExprEvaluator quietEvaluator() {
        ExprEvaluator evaluator = new ExprEvaluator(false, (short) 100);
        silence(evaluator.getEvalEngine());
        silence(EvalEngine.get());
        return evaluator;
    }

    private static void silence(EvalEngine engine) {
        PrintStream none = new PrintStream(OutputStream.nullOutputStream());
        engine.setOutPrintStream(none);
        engine.setErrorPrintStream(none);
    }

    private SymjaCas() {}

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Parses LaTeX, or empty when Symja cannot. */
    static Optional<IExpr> parse(String latex) {
        try {
            IExpr e = new TeXParser().parse(latex);
            return e == null || e.equals(F.$Aborted) || e.toString().contains("$Aborted") ? Optional.empty() : Optional.of(e);
        } catch (RuntimeException | StackOverflowError e) { // Symja throws many unchecked kinds on bad input
            return Optional.empty();
        }
    }

    /** a - b simplifies to zero, or (with no free variables) is numerically zero within the tolerance. */
    static boolean equal(IExpr a, IExpr b, Duration limit) {
        return isZero(F.Subtract(a, b), a, b, limit);
    }

    /**
     * a / b simplifies to a constant: nonzero for equations ({@code a = 0} and {@code b = 0} hold on the
     * same set), positive for inequalities (the direction is kept).
     */
    static boolean proportional(IExpr a, IExpr b, boolean positive, Duration limit) {
        IExpr ratio = eval(F.Simplify(F.Divide(a, b)), limit);
        if (ratio == null || !ratio.isNumber() && !ratio.isNumericFunction()) {
            return false;
        }
        try {
            double r = ratio.evalf();
            return Double.isFinite(r) && r != 0 && (!positive || r > 0);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean isZero(IExpr diff, IExpr a, IExpr b, Duration limit) {
        if (a.isNumericFunction() && b.isNumericFunction()) {
            try {
                double x = eval(F.N(a), limit).evalf();
                double y = eval(F.N(b), limit).evalf();
                if (Double.isFinite(x) && Double.isFinite(y)) {
                    return Math.abs(x - y) <= REL_TOL * Math.max(Math.abs(x), Math.abs(y)) || Math.abs(x - y) < 1e-12;
                }
            } catch (RuntimeException e) {
                // fall through to symbolic simplification
            }
        }
        IExpr simplified = eval(F.Simplify(diff), limit);
        if (simplified != null && simplified.isZero()) {
            return true;
        }
        IExpr expanded = eval(F.ExpandAll(diff), limit);
        return expanded != null && expanded.isZero();
    }

    /** Evaluates under a time limit; null when Symja gave up, timed out or failed. */
    private static IExpr eval(IExpr e, Duration limit) {
        try {
            double seconds = Math.max(0.001, limit.toMillis() / 1000.0);
            IExpr r = EVALUATOR.get().eval(F.TimeConstrained(e, F.num(seconds), F.$Aborted));
            return r == null || r.equals(F.$Aborted) ? null : r;
        } catch (RuntimeException | StackOverflowError err) {
            return null;
        }
    }
}
