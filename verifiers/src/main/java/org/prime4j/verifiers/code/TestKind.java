package org.prime4j.verifiers.code;

/** The three test layouts of code RL data. */
public enum TestKind {
    /** stdin/stdout pairs: APPS, TACO, CodeContests ({@code {"inputs": [...], "outputs": [...]}}). */
    STDIO,
    /** call-based: {@code fn_name} called with each input's arguments (LeetCode-style, also a Solution method). */
    CALL,
    /** assert-based: HumanEval {@code test} + {@code check(entry_point)}, MBPP {@code test_list}. */
    ASSERT;

    /** The name the harness script uses. */
    String wireName() {
        return switch (this) {
            case STDIO -> "stdio";
            case CALL -> "call";
            case ASSERT -> "assert";
        };
    }
}
