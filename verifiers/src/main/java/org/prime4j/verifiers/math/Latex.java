package org.prime4j.verifiers.math;

import java.util.ArrayList;
import java.util.List;

/** Bracket-aware scanning of LaTeX answers: brace matching and splitting at the top level only. */
final class Latex {

    private Latex() {}

    /**
     * @param s    the text
     * @param open the index of an opening {@code {}
     * @return the index of its matching {@code }}, or -1 when it is never closed; escaped braces
     *         ({@code \{}, {@code \}}) do not count
     */
    static int matchingBrace(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++; // skip the escaped character, e.g. \{ or \}
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** The depth change of the bracket (or {@code \{ \}} and {@code \left/\right} forms) starting at i. */
    private static int delta(String s, int i) {
        char c = s.charAt(i);
        if (c == '(' || c == '[' || c == '{') {
            return 1;
        }
        if (c == ')' || c == ']' || c == '}') {
            return -1;
        }
        return 0;
    }

    /**
     * Splits at every top-level occurrence of {@code sep} (outside any (), [], {}, or \{ \}).
     * Escaped set braces count as brackets. Returns the pieces untrimmed.
     */
    static List<String> splitTopLevel(String s, String sep) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (depth == 0 && s.startsWith(sep, i) && !isPartOfCommand(s, i, sep)) {
                parts.add(s.substring(start, i));
                i += sep.length() - 1;
                start = i + 1;
                continue;
            }
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '{' || s.charAt(i + 1) == '}')) {
                depth += s.charAt(i + 1) == '{' ? 1 : -1;
                i++;
                continue;
            }
            depth += delta(s, i);
        }
        parts.add(s.substring(start));
        return parts;
    }

    /** A separator like "\cup" must not match the start of a longer command such as "\cupdot". */
    private static boolean isPartOfCommand(String s, int i, String sep) {
        if (!sep.startsWith("\\") || !Character.isLetter(sep.charAt(sep.length() - 1))) {
            return false;
        }
        int end = i + sep.length();
        return end < s.length() && Character.isLetter(s.charAt(end));
    }

    /**
     * True when the bracket opened at index 0 closes exactly at the last character, so that the whole
     * string is one bracketed group: "(1, 2)" yes, "(1)+(2)" no. Round and square brackets pair with each
     * other (half-open intervals).
     */
    static boolean isOneGroup(String s) {
        if (s.length() < 2) {
            return false;
        }
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '{' || s.charAt(i + 1) == '}')) {
                depth += s.charAt(i + 1) == '{' ? 1 : -1;
                i++;
            } else {
                depth += delta(s, i);
            }
            if (depth == 0 && i < s.length() - 1) {
                return false;
            }
        }
        return depth == 0;
    }
}
