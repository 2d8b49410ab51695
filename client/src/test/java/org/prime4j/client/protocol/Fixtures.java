package org.prime4j.client.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Hand-written vLLM-shaped replies under src/test/resources/vllm (see the README.txt there). */
public final class Fixtures {
    private Fixtures() {}

    /** Prompt ids of "What is 2+3?" in the fixtures. */
    public static final int[] PROMPT = {3838, 374, 220, 17, 10, 18, 30};
    /** Prompt ids of the second prompt in completions_two_prompts_n2.json. */
    public static final int[] PROMPT_2 = {3838, 374, 220, 19, 9, 16, 30};
    /** The response scored in completions_prompt_logprobs.json and completions_echo_token_ids.json. */
    public static final int[] RESPONSE = {576, 4226, 374, 220, 20};
    /** The actual-token log-probs of RESPONSE in those two fixtures. */
    public static final float[] RESPONSE_LOGPROBS = {-2.828125f, -0.0380859375f, -0.0009765625f, -0.22265625f,
        -0.0001964569091796875f};

    public static InputStream stream(String name) {
        InputStream in = Fixtures.class.getResourceAsStream("/vllm/" + name);
        if (in == null) {
            throw new IllegalArgumentException("no fixture /vllm/" + name);
        }
        return in;
    }

    public static String text(String name) {
        try (InputStream in = stream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
