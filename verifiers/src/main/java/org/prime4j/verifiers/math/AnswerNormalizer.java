package org.prime4j.verifiers.math;

import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites an extracted answer into a canonical LaTeX string: the union of what the PRM800K (Hendrycks MATH)
 * and Qwen2.5-Math graders normalize. Display wrappers ({@code $}, {@code \left}/{@code \right}, spacing),
 * {@code \dfrac}/{@code \tfrac}, {@code \text{}} and units, degrees, percent and dollar signs, thousands
 * separators, trailing periods, {@code x=} prefixes, {@code \frac12}/{@code \sqrt3}, {@code .5}, mixed
 * numbers, and spelled-out infinity. Percent signs are removed here; {@link #hasPercent} tells the caller
 * to also accept the x100 and /100 readings.
 */
public final class AnswerNormalizer {

    private static final Pattern TEXT_COMMAND =
            Pattern.compile("\\\\(?:text|textbf|textit|textrm|mbox|mathrm|mathbf|mathit|textnormal|operatorname)\\s*\\{");
    private static final Pattern UNIT_TEXT = Pattern.compile("[A-Za-z][A-Za-z .]*");
    private static final Pattern UNIT_POWER = Pattern.compile("^\\s*\\^\\s*(?:\\{\\s*[23]\\s*\\}|[23])");
    private static final Pattern BARE_UNIT = Pattern.compile(
            "(?<=[\\d}])\\s*(?:(?<=\\s)(?:square |sq\\.? |cubic )?(?:units?|cm|mm|km|m|meters?|metres?|inch(?:es)?|in|feet|foot|ft|yards?"
                    + "|miles?|mph|km/h|m/s|degrees?|cents?|dollars?|euros?|yuan|rupees?|USD|EUR|GBP|hours?|hrs?|h|min|minutes?"
                    + "|seconds?|secs?|s|days?|weeks?|months?|years?|pounds?|lbs?|ounces?|oz|grams?|g|mg|kg|tons?|liters?|litres?"
                    + "|L|ml|mL|sq|people|persons?|students?|ways?|times|points?)|€|£|¥)"
                    + "(?:\\s*\\^\\s*\\{?[23]\\}?|[23²³]|\\.)?\\s*$");
    private static final Pattern CURRENCY_PREFIX = Pattern.compile("^(?:€|£|¥|\\\\euro|\\\\pounds|USD|EUR|Rs\\.?)\\s*(?=[-\\d.])");
    private static final Pattern THOUSANDS = Pattern.compile("^-?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?$");
    private static final Pattern SPACE_THOUSANDS = Pattern.compile("^-?\\d{1,3}(?: \\d{3})+(?:\\.\\d+)?$");
    private static final Pattern PERCENT_WORD = Pattern.compile("(?i)\\s*(?:percent(?:age)?(?: points?)?|pct\\.?)\\s*$");
    /** A top-level "and"/"or" joining the items of an answer list: "6 and 8", "21, 16 or 11". */
    private static final Pattern LIST_WORD = Pattern.compile("\\s*,?\\s+(?:and|or)\\s+|\\s*;\\s*");
    private static final Pattern SHORT_FRAC = Pattern.compile("\\\\frac\\s*(\\d|\\{[^{}]*\\})\\s*(\\d|[a-zA-Z]|\\{[^{}]*\\})");
    private static final Pattern SHORT_SQRT = Pattern.compile("\\\\sqrt\\s*([0-9a-zA-Z])");
    private static final Pattern LEADING_DOT = Pattern.compile("(?<![\\d.])\\.(\\d)");
    private static final Pattern MIXED_NUMBER = Pattern.compile("^(-?)(\\d+)\\s*\\\\frac\\{(\\d+)\\}\\{(\\d+)\\}$");
    private static final Pattern VARIABLE_PREFIX =
            Pattern.compile("^\\s*(?:[a-zA-Z](?:_\\{?\\w+\\}?)?|\\\\[a-zA-Z]+|[a-zA-Z]\\([a-zA-Z]\\))\\s*(?:=|\\\\in|\\\\approx)\\s*");
    private static final Pattern CHOICE = Pattern.compile("^\\(?([A-Ea-e])\\)?$");
    private static final Pattern SPACE_RUN = Pattern.compile("\\s+");

    private static final Pattern SIZING = Pattern.compile("\\\\(?:left|right|big|Big|bigg|Bigg)(?![a-zA-Z])\\s*\\.?");
    private static final Pattern COMMA_THIN = Pattern.compile(",\\\\!\\s*");
    private static final Pattern SPACING = Pattern.compile("\\\\[!,;:]|\\\\q?quad(?![a-zA-Z])");
    private static final Pattern DEGREE = Pattern.compile("\\^\\s*\\{\\s*\\\\circ\\s*\\}|\\^\\s*\\\\circ|\\\\circ|\\\\degree|°");
    private static final Pattern LE = Pattern.compile("\\\\le(?=[^a-zA-Z])");
    private static final Pattern GE = Pattern.compile("\\\\ge(?=[^a-zA-Z])");
    private static final Pattern INFINITY = Pattern.compile("(?i)^(?:\\+?inf(?:inity)?|\\+\\\\infty)$");
    private static final Pattern MINUS_INFINITY = Pattern.compile("(?i)^-inf(?:inity)?$");
    private static final Pattern PCT = Pattern.compile("\\bpct\\b");
    private static final Pattern NE = Pattern.compile("\\\\ne(?![a-zA-Z])");
    private static final String ROW_BREAK = "\uE000";

    private AnswerNormalizer() {}

    /** Whether the answer carried a percent sign (or the word), before normalization removed it. */
    public static boolean hasPercent(String raw) {
        String lower = raw.toLowerCase(Locale.ROOT);
        return raw.contains("%") || lower.contains("percent") || lower.contains("pct") && PCT.matcher(lower).find();
    }

    public static String normalize(String raw) {
        String s = raw.strip();
        s = stripMathDelimiters(s);
        s = s.replace("\n", " ");
        s = SIZING.matcher(s).replaceAll("");
        s = s.replace("\\displaystyle", "").replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac").replace("\\cfrac", "\\frac")
                .replace("\\dbinom", "\\binom").replace("\\tbinom", "\\binom");
        s = COMMA_THIN.matcher(s.replace("{,}", ",")).replaceAll(",");
        s = s.replace("\\\\", ROW_BREAK); // a matrix row break is not the "\\ " space
        s = SPACING.matcher(s).replaceAll(" ").replace("\\ ", " ").replace("~", " ");
        s = s.replace(ROW_BREAK, "\\\\");
        s = DEGREE.matcher(s).replaceAll("");
        s = s.replace("\\%", "").replace("%", "").replace("\\$", "").replace("$", "");
        s = PERCENT_WORD.matcher(s.strip()).replaceAll("");
        s = s.replace(">=", "\\geq ").replace("<=", "\\leq ").replace("!=", "\\neq ")
                .replace("\\geqslant", "\\geq").replace("\\leqslant", "\\leq").replace("\\ne ", "\\neq ");
        if (s.contains("\\ne")) {
            s = NE.matcher(s).replaceAll("\\\\neq");
        }
        s = s.replace("\\le ", "\\leq ").replace("\\ge ", "\\geq ").replace("\\ne ", "\\neq ");
        s = GE.matcher(LE.matcher(s).replaceAll("\\\\leq")).replaceAll("\\\\geq")
                .replace("≤", "\\leq ").replace("≥", "\\geq ").replace("≠", "\\neq ")
                .replace("\\varnothing", "\\emptyset").replace("\\infin", "\\infty");
        s = unwrapText(s);
        s = PERCENT_WORD.matcher(s.strip()).replaceAll("");
        s = SPACE_RUN.matcher(s).replaceAll(" ").strip();
        s = BARE_UNIT.matcher(s).replaceAll("");
        s = CURRENCY_PREFIX.matcher(s).replaceAll("");
        s = answerList(s);
        s = braceSet(s);
        while (s.endsWith(".") || s.endsWith("\\")) {
            s = s.substring(0, s.length() - 1).strip();
        }
        if (THOUSANDS.matcher(s).matches()) {
            s = s.replace(",", "");
        }
        if (SPACE_THOUSANDS.matcher(s).matches()) {
            s = s.replace(" ", "");
        }
        if (s.startsWith("\\approx")) {
            s = s.substring("\\approx".length()).strip();
        }
        s = MINUS_INFINITY.matcher(INFINITY.matcher(s).replaceAll("\\\\infty")).replaceAll("-\\\\infty");
        s = dropVariablePrefix(s);
        s = SHORT_FRAC.matcher(s).replaceAll(m -> Matcher.quoteReplacement("\\frac" + braced(m.group(1)) + braced(m.group(2))));
        s = SHORT_SQRT.matcher(s).replaceAll(m -> Matcher.quoteReplacement("\\sqrt{" + m.group(1) + "}"));
        s = LEADING_DOT.matcher(s).replaceAll("0.$1");
        s = mixedNumber(s);
        Matcher choice = CHOICE.matcher(s);
        if (choice.matches()) {
            s = choice.group(1).toUpperCase(Locale.ROOT);
        }
        return s.strip();
    }

    /** The normalized answer without any spaces: the form string comparison uses. */
    public static String compact(String normalized) {
        return normalized.replace(" ", "");
    }

    private static String stripMathDelimiters(String s) {
        String t = s;
        boolean changed = true;
        while (changed) {
            changed = false;
            for (String[] d : new String[][] {{"$$", "$$"}, {"$", "$"}, {"\\(", "\\)"}, {"\\[", "\\]"}}) {
                if (t.length() >= d[0].length() + d[1].length() && t.startsWith(d[0]) && t.endsWith(d[1])) {
                    t = t.substring(d[0].length(), t.length() - d[1].length()).strip();
                    changed = true;
                }
            }
        }
        return t;
    }

    /**
     * {@code \text{...}} and friends: a trailing one holding words after a quantity is a unit and goes,
     * any other one is replaced by its content.
     */
    private static String unwrapText(String s) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        Matcher m = TEXT_COMMAND.matcher(s);
        while (m.find(from)) {
            int open = m.end() - 1;
            int close = Latex.matchingBrace(s, open);
            if (close < 0) {
                break;
            }
            String content = s.substring(open + 1, close);
            String before = out + s.substring(from, m.start());
            int after = close + 1;
            Matcher power = UNIT_POWER.matcher(s.substring(after));
            int afterUnit = power.lookingAt() ? after + power.end() : after;
            boolean trailing = s.substring(afterUnit).strip().isEmpty() || s.substring(afterUnit).strip().equals(".");
            boolean isUnit = trailing && !before.isBlank() && UNIT_TEXT.matcher(content.strip()).matches()
                    && !content.strip().matches("(?i)or|and");
            out.append(s, from, m.start());
            if (isUnit) {
                from = afterUnit;
            } else {
                out.append(content);
                from = after;
            }
        }
        out.append(s.substring(from));
        return out.toString();
    }

    private static String dropVariablePrefix(String s) {
        // "x = 5", "k = 3", "x \in [-2, 7]": the answer is the right side. Longer left sides are equations.
        if (Latex.splitTopLevel(s, "=").size() > 2) {
            return s;
        }
        Matcher m = VARIABLE_PREFIX.matcher(s);
        if (m.lookingAt() && m.end() < s.length()) {
            String lhs = s.substring(0, m.end());
            if (!lhs.contains("\\in") && s.substring(m.end()).matches(".*(?:<|>|\\\\leq|\\\\geq).*")) {
                return s;
            }
            return s.substring(m.end()).strip();
        }
        return s;
    }

    /** "6 and 8", "21, 16 or 11", "1; 2": the items of a list, joined by commas at the top level only. */
    private static String answerList(String s) {
        if (!LIST_WORD.matcher(s).find()) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        int depth = 0;
        int from = 0;
        Matcher m = LIST_WORD.matcher(s);
        int scanned = 0;
        while (m.find()) {
            for (int i = scanned; i < m.start(); i++) {
                depth += bracketDelta(s, i);
            }
            scanned = m.start();
            if (depth == 0 && m.start() > 0 && m.end() < s.length()) {
                out.append(s, from, m.start()).append(", ");
                from = m.end();
            }
        }
        out.append(s.substring(from));
        return out.toString();
    }

    private static int bracketDelta(String s, int i) {
        char c = s.charAt(i);
        return c == '(' || c == '[' || c == '{' ? 1 : c == ')' || c == ']' || c == '}' ? -1 : 0;
    }

    /** {@code {1,2,3}} written without backslashes is a set; {@code {5}} is just 5. */
    private static String braceSet(String s) {
        if (s.length() >= 2 && s.charAt(0) == '{' && Latex.matchingBrace(s, 0) == s.length() - 1) {
            String inner = s.substring(1, s.length() - 1).strip();
            return Latex.splitTopLevel(inner, ",").size() > 1 ? "\\{" + inner + "\\}" : inner;
        }
        return s;
    }

    private static String braced(String g) {
        return g.startsWith("{") ? g : "{" + g + "}";
    }

    private static String mixedNumber(String s) {
        Matcher m = MIXED_NUMBER.matcher(s);
        if (!m.matches()) {
            return s;
        }
        BigInteger whole = new BigInteger(m.group(2));
        BigInteger num = new BigInteger(m.group(3));
        BigInteger den = new BigInteger(m.group(4));
        if (den.signum() == 0 || num.compareTo(den) >= 0) {
            return s; // not a proper fraction after an integer: a product, not a mixed number
        }
        return m.group(1) + "\\frac{" + whole.multiply(den).add(num) + "}{" + den + "}";
    }
}
