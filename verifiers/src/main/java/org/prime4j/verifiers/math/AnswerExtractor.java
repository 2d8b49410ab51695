package org.prime4j.verifiers.math;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Finds the final answer in a model response, trying in order: the last {@code \boxed{...}} or
 * {@code \fbox{...}} (brace-matched), "(final) answer is ...", "Answer: ...", the last {@code $$...$$},
 * {@code $...$}, {@code \(...\)}, {@code \[...\]}, and finally the bare response when it is short.
 */
public final class AnswerExtractor {

    /** A response up to this many characters (and on one line) may itself be the answer. */
    static final int SHORT_RESPONSE = 60;

    private static final Pattern FINAL_ANSWER_IS = Pattern.compile("(?:final )?answer is[:\\s]*", Pattern.CASE_INSENSITIVE);
    private static final Pattern ANSWER_COLON = Pattern.compile("answer\\s*(?:\\*\\*)?\\s*:\\s*(?:\\*\\*)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DISPLAY = Pattern.compile("\\$\\$(.+?)\\$\\$", Pattern.DOTALL);
    private static final Pattern INLINE = Pattern.compile("(?<![\\\\$])\\$(?!\\$)(.+?)(?<!\\\\)\\$", Pattern.DOTALL);
    private static final Pattern PAREN = Pattern.compile("\\\\\\((.+?)\\\\\\)", Pattern.DOTALL);
    private static final Pattern BRACKET = Pattern.compile("\\\\\\[(.+?)\\\\\\]", Pattern.DOTALL);

    private AnswerExtractor() {}

    public static Optional<String> extract(String response) {
        if (response == null || response.isBlank()) {
            return Optional.empty();
        }
        List<Supplier<Optional<String>>> inOrder = List.of(
                () -> boxed(response),
                () -> afterPhrase(response, FINAL_ANSWER_IS, true),
                () -> afterPhrase(response, ANSWER_COLON, false),
                () -> last(DISPLAY, response),
                () -> last(INLINE, response),
                () -> last(PAREN, response),
                () -> last(BRACKET, response),
                () -> shortResponse(response));
        for (Supplier<Optional<String>> candidate : inOrder) {
            Optional<String> c = candidate.get();
            if (c.isPresent() && !c.get().isBlank()) {
                return Optional.of(c.get().strip());
            }
        }
        return Optional.empty();
    }

    /** The content of the last {@code \boxed{...}} or {@code \fbox{...}}, also the brace-less {@code \boxed 5}. */
    public static Optional<String> boxed(String s) {
        int at = Math.max(s.lastIndexOf("\\boxed"), s.lastIndexOf("\\fbox"));
        if (at < 0) {
            return Optional.empty();
        }
        int i = at + (s.startsWith("\\boxed", at) ? "\\boxed".length() : "\\fbox".length());
        while (i < s.length() && s.charAt(i) == ' ' && i + 1 < s.length() && s.charAt(i + 1) == '{') {
            i++;
        }
        if (i < s.length() && s.charAt(i) == '{') {
            int close = Latex.matchingBrace(s, i);
            return close < 0 ? Optional.empty() : Optional.of(s.substring(i + 1, close));
        }
        if (i < s.length() && s.charAt(i) == ' ') { // \boxed 5
            Matcher m = Pattern.compile("\\s+([^\\s$]+)").matcher(s).region(i, s.length());
            if (m.lookingAt()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> afterPhrase(String s, Pattern phrase, boolean sentence) {
        Matcher m = phrase.matcher(s);
        int end = -1;
        while (m.find()) {
            end = m.end();
        }
        if (end < 0) {
            return Optional.empty();
        }
        String rest = s.substring(end);
        int nl = rest.indexOf('\n');
        if (nl >= 0) {
            rest = rest.substring(0, nl);
        }
        if (sentence) {
            // Minerva style: "The final answer is $5$. I hope it is correct."
            int hope = rest.toLowerCase(Locale.ROOT).indexOf("i hope");
            if (hope >= 0) {
                rest = rest.substring(0, hope);
            }
        }
        String line = rest.strip();
        Optional<String> math = last(INLINE, line).or(() -> last(PAREN, line));
        if (math.isPresent() && (line.startsWith("$") || line.startsWith("\\("))) {
            return math;
        }
        return Optional.of(stripSentenceEnd(line));
    }

    private static String stripSentenceEnd(String s) {
        String t = s.strip();
        while (t.endsWith(".") || t.endsWith("。")) {
            t = t.substring(0, t.length() - 1).strip();
        }
        return t;
    }

    private static Optional<String> last(Pattern p, String s) {
        Matcher m = p.matcher(s);
        String found = null;
        while (m.find()) {
            found = m.group(1);
        }
        return Optional.ofNullable(found);
    }

    private static Optional<String> shortResponse(String s) {
        String t = s.strip();
        return t.length() <= SHORT_RESPONSE && t.indexOf('\n') < 0 ? Optional.of(t) : Optional.empty();
    }

}
