package org.prime4j.verifiers.math;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Plain numbers in a normalized answer: integers, decimals, {@code \frac{a}{b}}, {@code a/b}, infinity. */
final class Numbers {

    /** A parsed number; {@code integer} when it was written as a whole number. */
    record Value(double value, boolean integer) {}

    private static final String NUM = "(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?";
    private static final Pattern PLAIN = Pattern.compile("^([+-]?)\\s*(" + NUM + ")$");
    private static final Pattern FRAC = Pattern.compile("^([+-]?)\\s*\\\\frac\\{\\s*(" + NUM + ")\\s*\\}\\{\\s*(" + NUM + ")\\s*\\}$");
    private static final Pattern SLASH = Pattern.compile("^([+-]?)\\s*(" + NUM + ")\\s*/\\s*(" + NUM + ")$");
    private static final Pattern INFINITY = Pattern.compile("^([+-]?)\\s*\\\\infty$");
    private static final double REL_TOL = 1e-4;

    private Numbers() {}

    static Optional<Value> parse(String s) {
        Matcher m = PLAIN.matcher(s);
        if (m.matches()) {
            double v = new BigDecimal(m.group(2)).doubleValue();
            return Optional.of(new Value(sign(m.group(1)) * v, m.group(2).matches("\\d+")));
        }
        m = FRAC.matcher(s);
        if (!m.matches()) {
            m = SLASH.matcher(s);
        }
        if (m.matches()) {
            double den = new BigDecimal(m.group(3)).doubleValue();
            if (den == 0) {
                return Optional.empty();
            }
            return Optional.of(new Value(sign(m.group(1)) * new BigDecimal(m.group(2)).doubleValue() / den, false));
        }
        m = INFINITY.matcher(s);
        if (m.matches()) {
            return Optional.of(new Value(sign(m.group(1)) * Double.POSITIVE_INFINITY, false));
        }
        return Optional.empty();
    }

    /**
     * Two whole numbers must be equal exactly (a tolerance would accept 1000001 for 1000000); otherwise
     * relative tolerance 1e-4, as the Qwen2.5-Math grader uses.
     */
    static boolean close(Value a, Value b) {
        if (a.integer() && b.integer()) {
            return a.value() == b.value();
        }
        return close(a.value(), b.value());
    }

    static boolean close(double a, double b) {
        if (a == b) {
            return true;
        }
        if (!Double.isFinite(a) || !Double.isFinite(b)) {
            return false;
        }
        return Math.abs(a - b) <= REL_TOL * Math.max(Math.abs(a), Math.abs(b));
    }

    private static int sign(String s) {
        return "-".equals(s) ? -1 : 1;
    }
}
