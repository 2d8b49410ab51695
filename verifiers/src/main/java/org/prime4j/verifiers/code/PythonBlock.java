package org.prime4j.verifiers.code;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the program in a model response: the last fenced {@code python} block, as PRIME's grader does; failing
 * that the last fenced block without a language; failing that the whole response (HumanEval-style raw
 * completions). Prose that is not code simply fails to compile, so the fallback cannot earn a reward.
 * {@code <think>...</think>} sections are dropped first (PRIME's grader does too): drafts there do not count.
 */
public final class PythonBlock {

    // an opening fence, its info string, the body, and a closing fence on a line of its own
    private static final Pattern FENCE = Pattern.compile(
            "(?m)^[ \\t]*```[ \\t]*([A-Za-z0-9_+.-]*)[^\\n]*\\n(.*?)^[ \\t]*```[ \\t]*$", Pattern.DOTALL);

    private static final Pattern THINK = Pattern.compile("<think>.*?</think>",
            Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

    private PythonBlock() {
    }

    /** The program text of a response (never null). */
    public static String extract(String response) {
        response = THINK.matcher(response).replaceAll("");
        String python = null;
        String plain = null;
        Matcher m = FENCE.matcher(response);
        while (m.find()) {
            String lang = m.group(1).toLowerCase(java.util.Locale.ROOT);
            if (lang.equals("python") || lang.equals("py") || lang.equals("python3")) {
                python = m.group(2);
            } else if (lang.isEmpty()) {
                plain = m.group(2);
            }
        }
        if (python != null) {
            return python;
        }
        if (plain != null) {
            return plain;
        }
        return response;
    }
}
