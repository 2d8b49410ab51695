package org.prime4j.verifiers.math;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names written in front of values: {@code (p,q) = (3,2)}, {@code k = 45, n = 2}, {@code AB = 4, CD = 5},
 * {@code V_1:V_2 = 11:21}, {@code x \approx 11}. The comparison drops them only when the other answer has
 * none, so that {@code x = 1, y = 2} still differs from {@code y = 1, x = 2}.
 */
final class Labels {

    private static final String NAME = "(?:[A-Za-z]{1,3}|\\\\[a-zA-Z]+)(?:_\\{?\\w+\\}?)?'*";
    private static final Pattern LABELED = Pattern.compile(
            "^\\s*(" + NAME + "|\\(\\s*" + NAME + "(?:\\s*,\\s*" + NAME + ")+\\s*\\)|" + NAME + "(?:\\s*:\\s*" + NAME + ")+)"
                    + "\\s*(?:=|\\\\approx)\\s*(.+)$", Pattern.DOTALL);
    private static final Pattern LATEX_VALUE_COMMAND = Pattern.compile(
            "\\\\(?:frac|sqrt|pi|infty|cdot|times|binom|log|ln|sin|cos|tan|cot|sec|csc|exp)");

    private Labels() {}

    /** A labelled tuple or ratio, or a list whose every item is {@code name = value}. */
    static boolean labeled(String s) {
        if (s.indexOf('=') < 0 && !s.contains("\\approx")) {
            return false;
        }
        List<String> items = Latex.splitTopLevel(s, ",");
        if (items.size() == 1) {
            Matcher m = value(s);
            return m != null && !m.group(1).matches(NAME); // a lone "x = 5" lost its name in normalization
        }
        for (String item : items) {
            if (value(item) == null) {
                return false;
            }
        }
        return true;
    }

    /**
     * The values without their names, a tuple when the names differ; call only when {@link #labeled} holds.
     */
    static String strip(String s) {
        List<String> items = Latex.splitTopLevel(s, ",");
        if (items.size() == 1) {
            return value(s).group(2).strip();
        }
        List<String> values = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (String item : items) {
            Matcher m = value(item);
            values.add(m.group(2).strip());
            names.add(m.group(1).replace(" ", ""));
        }
        // Distinct names fix each value's place (k = 45, n = 2 is the pair (45, 2)); one name repeated
        // (x = 1, x = 2) lists the solutions, in any order.
        String list = String.join(", ", values);
        return names.size() == values.size() ? "(" + list + ")" : list;
    }

    private static Matcher value(String item) {
        Matcher m = LABELED.matcher(item);
        if (!m.matches() || Latex.splitTopLevel(m.group(2), "=").size() > 1 || Relation.count(m.group(2)) > 0) {
            return null;
        }
        String name = m.group(1);
        if (LATEX_VALUE_COMMAND.matcher(name).lookingAt()) {
            return null; // "\pi = ..." is not a name
        }
        return m;
    }

    /** Relation symbols other than {@code =}. */
    static final class Relation {
        private Relation() {}

        static int count(String s) {
            int n = 0;
            for (String op : new String[] {"\\leq", "\\geq", "\\neq", "\\lt", "\\gt", "<", ">"}) {
                n += Latex.splitTopLevel(s, op).size() - 1;
            }
            return n;
        }
    }
}
