package org.prime4j.verifiers.math;

import java.util.List;
import java.util.Optional;

/**
 * A collection answer: a tuple or interval ({@code ordered}, with its brackets), a set
 * {@code \{...\}}, a bare comma list, {@code a \pm b}, or a union of intervals (all unordered).
 */
record AnswerGroup(String open, String close, List<String> items, boolean ordered, boolean list) {

    AnswerGroup(String open, String close, List<String> items, boolean ordered) {
        this(open, close, items, ordered, false);
    }

    boolean isSet() {
        return open.equals("\\{");
    }

    String kind() {
        return ordered ? (open.equals(close) || open.equals("(") && close.equals(")") ? "tuple" : "interval") : "set";
    }

    static Optional<AnswerGroup> parse(String s) {
        List<String> union = Latex.splitTopLevel(s, "\\cup");
        if (union.size() > 1) {
            return Optional.of(new AnswerGroup("", "", union, false));
        }
        if (s.startsWith("\\{") && s.endsWith("\\}") && Latex.isOneGroup(s)) {
            String inner = s.substring(2, s.length() - 2);
            return Optional.of(new AnswerGroup("\\{", "\\}", inner.isBlank() ? List.of() : Latex.splitTopLevel(inner, ","), false));
        }
        if (s.length() >= 2 && "([".indexOf(s.charAt(0)) >= 0 && ")]".indexOf(s.charAt(s.length() - 1)) >= 0
                && Latex.isOneGroup(s)) {
            List<String> items = Latex.splitTopLevel(s.substring(1, s.length() - 1), ",");
            if (items.size() >= 2) {
                return Optional.of(new AnswerGroup(s.substring(0, 1), s.substring(s.length() - 1), items, true));
            }
        }
        List<String> bare = Latex.splitTopLevel(s, ",");
        if (bare.size() >= 2) {
            return Optional.of(new AnswerGroup("", "", bare, false, true));
        }
        List<String> pm = Latex.splitTopLevel(s, "\\pm");
        if (pm.size() == 2 && !pm.get(1).isBlank()) {
            String b = pm.get(1).strip();
            if (pm.get(0).isBlank()) {
                return Optional.of(new AnswerGroup("", "", List.of(b, Intervals.negate(b)), false));
            }
            String a = pm.get(0).strip();
            return Optional.of(new AnswerGroup("", "", List.of(a + "+" + b, a + "-(" + b + ")"), false));
        }
        return Optional.empty();
    }
}
