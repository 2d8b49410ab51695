package org.prime4j.verifiers.math;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An inequality in one variable read as the set it describes, written as an interval or a union of
 * intervals: {@code -2 \leq x \leq 7} is {@code [-2, 7]}, {@code x > 5} is {@code (5, \infty)},
 * {@code x \neq 3} is {@code (-\infty, 3) \cup (3, \infty)}, {@code 1 \leq |z| \leq 2} is
 * {@code [-2, -1] \cup [1, 2]}.
 */
final class Intervals {

    /** The set an inequality describes, and the variable it constrains. */
    record Set(String variable, String text) {}

    private static final String[] OPS = {"\\leq", "\\geq", "\\neq", "\\lt", "\\gt", "<", ">", "="};
    private static final Pattern VARIABLE = Pattern.compile("[a-zA-Z]|\\\\(?:alpha|beta|gamma|theta|phi|varphi|lambda|mu|omega)");
    private static final Pattern ATOMIC = Pattern.compile("[\\w.\\\\{}]+");
    private static final String INF = "\\infty";

    private Intervals() {}

    /** Whether a normalized answer is written as an interval or a union of them. */
    static boolean isIntervalLike(String s) {
        if (s.equals("\\mathbb{R}") || s.equals("\\emptyset")) {
            return true;
        }
        Optional<AnswerGroup> g = AnswerGroup.parse(s);
        return g.isPresent() && (g.get().ordered() && g.get().items().size() == 2 || g.get().open().isEmpty()
                && Latex.splitTopLevel(s, "\\cup").size() > 1);
    }

    static Optional<Set> of(String s) {
        if (s.indexOf('<') < 0 && s.indexOf('>') < 0 && !s.contains("\\leq") && !s.contains("\\geq") && !s.contains("\\neq")
                && !s.contains("\\lt") && !s.contains("\\gt")) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        List<String> ops = new ArrayList<>();
        split(s, parts, ops);
        if (ops.isEmpty() || ops.size() > 2 || ops.contains("=")) {
            return Optional.empty();
        }
        for (String p : parts) {
            if (p.isBlank()) {
                return Optional.empty();
            }
        }
        if (ops.size() == 1) {
            String l = parts.get(0).strip();
            String r = parts.get(1).strip();
            String op = ops.get(0);
            Optional<String> lv = variable(l);
            Optional<String> rv = variable(r);
            if (lv.isPresent() == rv.isPresent()) {
                return Optional.empty();
            }
            if (rv.isPresent()) { // 5 < x is x > 5
                String t = l;
                l = r;
                r = t;
                op = flip(op);
                lv = rv;
            }
            if (mentions(r, lv.get())) {
                return Optional.empty();
            }
            boolean abs = l.startsWith("|");
            return Optional.of(new Set(lv.get(), abs ? absolute(op, r) : oneSided(op, r)));
        }
        String a = parts.get(0).strip();
        String x = parts.get(1).strip();
        String b = parts.get(2).strip();
        Optional<String> v = variable(x);
        if (v.isEmpty() || variable(a).isPresent() || variable(b).isPresent() || mentions(a, v.get()) || mentions(b, v.get())) {
            return Optional.empty();
        }
        String op1 = ops.get(0);
        String op2 = ops.get(1);
        if (isGreater(op1) && isGreater(op2)) { // 7 >= x >= -2
            String t = a;
            a = b;
            b = t;
            String o = op1;
            op1 = flip(op2);
            op2 = flip(o);
        }
        if (!isLess(op1) || !isLess(op2)) {
            return Optional.empty();
        }
        String open = strict(op1) ? "(" : "[";
        String close = strict(op2) ? ")" : "]";
        if (!x.startsWith("|")) {
            return Optional.of(new Set(v.get(), open + a + ", " + b + close));
        }
        Optional<Numbers.Value> low = Numbers.parse(a);
        if (low.isEmpty() || low.get().value() < 0) {
            return Optional.empty();
        }
        if (low.get().value() == 0 && !strict(op1)) { // 0 <= |x| < b
            return Optional.of(new Set(v.get(), (strict(op2) ? "(" : "[") + negate(b) + ", " + b + close));
        }
        String mirroredOpen = strict(op2) ? "(" : "[";
        String mirroredClose = strict(op1) ? ")" : "]";
        return Optional.of(new Set(v.get(), mirroredOpen + negate(b) + ", " + negate(a) + mirroredClose + " \\cup " + open + a + ", "
                + b + close));
    }

    /** -v, written so that it parses: 3 gives -3, -3 gives 3, a+b gives -(a+b). */
    static String negate(String v) {
        String t = v.strip();
        if (t.startsWith("-") && ATOMIC.matcher(t.substring(1)).matches()) {
            return t.substring(1);
        }
        return ATOMIC.matcher(t).matches() ? "-" + t : "-(" + t + ")";
    }

    private static String oneSided(String op, String r) {
        return switch (op) {
            case "<", "\\lt" -> "(-" + INF + ", " + r + ")";
            case "\\leq" -> "(-" + INF + ", " + r + "]";
            case ">", "\\gt" -> "(" + r + ", " + INF + ")";
            case "\\geq" -> "[" + r + ", " + INF + ")";
            default -> "(-" + INF + ", " + r + ") \\cup (" + r + ", " + INF + ")"; // \neq
        };
    }

    private static String absolute(String op, String r) {
        String n = negate(r);
        return switch (op) {
            case "<", "\\lt" -> "(" + n + ", " + r + ")";
            case "\\leq" -> "[" + n + ", " + r + "]";
            case ">", "\\gt" -> "(-" + INF + ", " + n + ") \\cup (" + r + ", " + INF + ")";
            case "\\geq" -> "(-" + INF + ", " + n + "] \\cup [" + r + ", " + INF + ")";
            default -> "(-" + INF + ", " + n + ") \\cup (" + n + ", " + r + ") \\cup (" + r + ", " + INF + ")";
        };
    }

    private static boolean isLess(String op) {
        return op.equals("<") || op.equals("\\lt") || op.equals("\\leq");
    }

    private static boolean isGreater(String op) {
        return op.equals(">") || op.equals("\\gt") || op.equals("\\geq");
    }

    private static boolean strict(String op) {
        return op.equals("<") || op.equals(">") || op.equals("\\lt") || op.equals("\\gt");
    }

    private static String flip(String op) {
        return switch (op) {
            case "<", "\\lt" -> ">";
            case ">", "\\gt" -> "<";
            case "\\leq" -> "\\geq";
            case "\\geq" -> "\\leq";
            default -> op;
        };
    }

    /** The variable when s is one, or its absolute value |x|. */
    private static Optional<String> variable(String s) {
        String t = s.strip();
        if (t.length() > 2 && t.startsWith("|") && t.endsWith("|")) {
            t = t.substring(1, t.length() - 1).strip();
        }
        return VARIABLE.matcher(t).matches() ? Optional.of(t) : Optional.empty();
    }

    private static boolean mentions(String value, String variable) {
        return Pattern.compile("(?<![a-zA-Z\\\\])" + Pattern.quote(variable) + "(?![a-zA-Z])").matcher(value).find();
    }

    /** Splits at the top-level relation symbols, in order. */
    private static void split(String s, List<String> parts, List<String> ops) {
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (depth == 0) {
                String op = opAt(s, i);
                if (op != null) {
                    parts.add(s.substring(start, i));
                    ops.add(op);
                    i += op.length() - 1;
                    start = i + 1;
                    continue;
                }
            }
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '{' || s.charAt(i + 1) == '}')) {
                depth += s.charAt(i + 1) == '{' ? 1 : -1;
                i++;
            } else if (c == '\\') {
                int j = i + 1;
                while (j < s.length() && Character.isLetter(s.charAt(j))) {
                    j++;
                }
                i = Math.max(i, j - 1);
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            }
        }
        parts.add(s.substring(start));
    }

    private static String opAt(String s, int i) {
        for (String op : OPS) {
            if (s.startsWith(op, i)) {
                int end = i + op.length();
                if (op.startsWith("\\") && end < s.length() && Character.isLetter(s.charAt(end))) {
                    continue;
                }
                return op;
            }
        }
        return null;
    }
}
