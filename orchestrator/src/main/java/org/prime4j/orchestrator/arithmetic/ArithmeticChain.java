package org.prime4j.orchestrator.arithmetic;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Line-level checking of a worked answer to an arithmetic chain ({@code What is 47+18-25?}, any number of
 * operations): the reference lines are one per operation, left to right, then {@code \boxed{n}} (as
 * {@link ArithmeticProblem#workedAnswer}). A response's first wrong line is the first that differs from the
 * reference line at the same position: where credit assignment should put the blame.
 */
public final class ArithmeticChain {

    private static final Pattern PROMPT = Pattern.compile("What is ((?:\\d+[+-])+\\d+)\\?");
    private static final Pattern TERM = Pattern.compile("([+-]?)(\\d+)");

    private ArithmeticChain() {}

    /** The reference lines of an arithmetic prompt; null when the prompt is not an arithmetic chain. */
    public static List<String> referenceLines(String prompt) {
        Matcher m = PROMPT.matcher(prompt == null ? "" : prompt);
        if (!m.find()) {
            return null;
        }
        Matcher t = TERM.matcher(m.group(1));
        List<String> lines = new ArrayList<>();
        t.find();
        long acc = Long.parseLong(t.group(2));
        while (t.find()) {
            long n = Long.parseLong(t.group(2));
            String op = t.group(1);
            long next = op.equals("+") ? acc + n : acc - n;
            lines.add(acc + op + n + "=" + next);
            acc = next;
        }
        lines.add("\\boxed{" + acc + "}");
        return lines;
    }

    /** The lines of a response as the model wrote them ({@code \n}-separated; a trailing newline adds none). */
    public static List<String> lines(String response) {
        List<String> out = new ArrayList<>(List.of(response.split("\n", -1)));
        if (out.size() > 1 && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    /**
     * The index of the first response line that differs from the reference's line at the same position (extra
     * lines count as wrong); -1 when every line the response wrote matches (a correct or cut-short answer).
     */
    public static int firstWrongLine(List<String> response, List<String> reference) {
        for (int i = 0; i < response.size(); i++) {
            if (i >= reference.size() || !response.get(i).strip().equals(reference.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * For each response token, the line it belongs to, from the tokens' decoded texts: a token belongs to the
     * line in which it starts (the newline that ends a line is that line's); lines past the last are clamped.
     */
    public static int[] tokenLines(List<String> tokenTexts, int lineCount) {
        int[] out = new int[tokenTexts.size()];
        int line = 0;
        for (int t = 0; t < out.length; t++) {
            out[t] = Math.min(line, lineCount - 1);
            String s = tokenTexts.get(t);
            for (int c = 0; c < s.length(); c++) {
                if (s.charAt(c) == '\n') {
                    line++;
                }
            }
        }
        return out;
    }
}
