package org.prime4j.verifiers.math;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Finds the final answer in a model response, trying in order: the last {@code \boxed{...}} or
 * {@code \fbox{...}} (brace-matched), "(final) answer is ...", "Answer: ...", the last {@code $$...$$},
 * {@code $...$}, {@code \(...\)}, {@code \[...\]}, the bare response when it is short, and finally a number
 * closing the response ("... the total is 42."). A sentence found after "answer" gives its trailing number
 * or last math span ({@link #fromProse}).
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

    private static final Pattern BRACELESS = Pattern.compile("\\s+([^\\s$]+)");
    private static final Pattern BOX_SEPARATOR = Pattern.compile(
            "(?:\\s|[,;.$&]|\\\\[(),;!]|\\\\q?quad|\\\\\\\\|\\\\text\\{\\s*(?:and|or|,)?\\s*\\}|\\b(?:and|or)\\b"
                    + "|[a-zA-Z](?:_\\{?\\w+\\}?)?\\s*=)*");
    private static final Pattern MATH_SPAN = Pattern.compile(
            "\\$\\$.+?\\$\\$|(?<!\\\\)\\$.+?(?<!\\\\)\\$|\\\\\\(.+?\\\\\\)|\\\\\\[.+?\\\\\\]", Pattern.DOTALL);
    private static final Pattern COMMAND = Pattern.compile("\\\\[a-zA-Z]+");
    private static final Pattern PROSE_WORD = Pattern.compile("(?<![A-Za-z\\\\])[A-Za-z]{2,}");
    private static final String NUMBER = "-?\\d+(?:,\\d{3})*(?:\\.\\d+)?";
    /** A number, or a list of them ("1 and 2", "21, 16 or 11"), closing a sentence. */
    private static final Pattern TRAILING_NUMBER = Pattern.compile(
            "(?<![\\w.^_/\\\\])(" + NUMBER + "(?:(?:\\s*[,;]\\s*|,?\\s+(?:and|or)\\s+)" + NUMBER + ")*)\\s*\\$?$");
    /** A plain number closing a response: "... so the total is 42." */
    private static final Pattern ENDING_NUMBER = Pattern.compile(
            "(?:\\bis|\\bequals|\\bbe|=|:)\\s*\\$?\\s*(-?\\d+(?:,\\d{3})*(?:\\.\\d+)?)\\s*\\$?\\s*[.!]?\\s*$");

    private AnswerExtractor() {}

    public static Optional<String> extract(String response) {
        if (response == null || response.isBlank()) {
            return Optional.empty();
        }
        List<Supplier<Optional<String>>> inOrder = List.of(
                () -> boxed(response),
                () -> afterPhrase(response, FINAL_ANSWER_IS, true).map(AnswerExtractor::fromProse),
                () -> afterPhrase(response, ANSWER_COLON, false).map(AnswerExtractor::fromProse),
                () -> last(DISPLAY, response),
                () -> last(INLINE, response),
                () -> last(PAREN, response),
                () -> last(BRACKET, response),
                () -> shortResponse(response).map(AnswerExtractor::fromProse),
                () -> endingNumber(response));
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
        return at < 0 ? Optional.empty() : boxAt(s, at).map(b -> b.content);
    }

    /**
     * The last box together with the boxes just before it that only separators part ({@code ,}, {@code ;},
     * "and", "or", {@code x =}, math delimiters): {@code \boxed{1}, \boxed{2}} gives [1, 2]. Empty when there
     * is no (closed) box.
     */
    public static List<String> boxedGroup(String s) {
        List<Box> boxes = new ArrayList<>();
        int from = 0;
        while (true) {
            int b = s.indexOf("\\boxed", from);
            int f = s.indexOf("\\fbox", from);
            int at = b < 0 ? f : f < 0 ? b : Math.min(b, f);
            if (at < 0) {
                break;
            }
            Optional<Box> box = boxAt(s, at);
            if (box.isPresent()) {
                boxes.add(box.get());
                from = box.get().end;
            } else {
                from = at + 5;
            }
        }
        if (boxes.isEmpty()) {
            return List.of();
        }
        int first = boxes.size() - 1;
        while (first > 0 && BOX_SEPARATOR.matcher(s.substring(boxes.get(first - 1).end, boxes.get(first).start)).matches()) {
            first--;
        }
        List<String> out = new ArrayList<>();
        for (Box box : boxes.subList(first, boxes.size())) {
            out.add(box.content);
        }
        return out;
    }

    private record Box(int start, String content, int end) {}

    private static Optional<Box> boxAt(String s, int at) {
        int i = at + (s.startsWith("\\boxed", at) ? "\\boxed".length() : "\\fbox".length());
        while (i < s.length() && s.charAt(i) == ' ' && i + 1 < s.length() && s.charAt(i + 1) == '{') {
            i++;
        }
        if (i < s.length() && s.charAt(i) == '{') {
            int close = Latex.matchingBrace(s, i);
            return close < 0 ? Optional.empty() : Optional.of(new Box(at, s.substring(i + 1, close), close + 1));
        }
        if (i < s.length() && s.charAt(i) == ' ') { // \boxed 5
            Matcher m = BRACELESS.matcher(s).region(i, s.length());
            if (m.lookingAt()) {
                return Optional.of(new Box(at, m.group(1), m.end()));
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the text reads as a sentence rather than a formula: three words outside math, or a word next
     * to a math span ("The largest $n$ is 34."). "and"/"or" and LaTeX command names do not count.
     */
    public static boolean isProse(String s) {
        String outside = MATH_SPAN.matcher(s).replaceAll(" ");
        boolean hasMath = !outside.equals(s);
        outside = COMMAND.matcher(outside).replaceAll(" ");
        Matcher w = PROSE_WORD.matcher(outside);
        int words = 0;
        while (w.find()) {
            String word = w.group().toLowerCase(Locale.ROOT);
            if (!word.equals("and") && !word.equals("or")) {
                words++;
            }
        }
        return words >= 3 || hasMath && words >= 1;
    }

    /**
     * A sentence found after "Answer:" or alone: its trailing number ("The largest $n$ is 34" gives 34), else
     * its last math span; a formula is kept as it is.
     */
    static String fromProse(String candidate) {
        if (!isProse(candidate)) {
            return candidate;
        }
        String t = stripSentenceEnd(candidate);
        Matcher n = TRAILING_NUMBER.matcher(t);
        if (n.find()) {
            return n.group(1);
        }
        return last(INLINE, t).or(() -> last(PAREN, t)).map(String::strip).orElse(candidate);
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
        String rest = s.substring(end).stripLeading(); // "Answer:" may stand on a line of its own
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

    private static Optional<String> endingNumber(String s) {
        int from = Math.max(0, s.length() - 200);
        Matcher m = ENDING_NUMBER.matcher(s.substring(from));
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static Optional<String> shortResponse(String s) {
        String t = s.strip();
        return t.length() <= SHORT_RESPONSE && t.indexOf('\n') < 0 ? Optional.of(t) : Optional.empty();
    }

}
