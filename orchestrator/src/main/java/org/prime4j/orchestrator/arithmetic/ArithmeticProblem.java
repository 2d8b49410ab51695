package org.prime4j.orchestrator.arithmetic;

import java.util.Random;

/**
 * One item of the arithmetic demo task (docs/design.md "Demo sizing"): three two-digit numbers joined by {@code +}
 * or {@code -}, e.g. {@code What is 47+18-25?}, answered one line per operation, then {@code \boxed{n}}:
 * <pre>
 * 47+18=65
 * 65-25=40
 * \boxed{40}
 * </pre>
 * With the byte-level tokenizer a prompt is ~18 tokens and a worked answer ~27.
 */
public record ArithmeticProblem(int a, char op1, int b, char op2, int c) {

    public ArithmeticProblem {
        for (int n : new int[] {a, b, c}) {
            if (n < 10 || n > 99) {
                throw new IllegalArgumentException("operands must have two digits, got " + n);
            }
        }
        if (!isOp(op1) || !isOp(op2)) {
            throw new IllegalArgumentException("operators must be + or -, got " + op1 + " and " + op2);
        }
    }

    /** Uniform operands in [10, 99] and uniform operators. */
    public static ArithmeticProblem random(Random rng) {
        return new ArithmeticProblem(10 + rng.nextInt(90), rng.nextBoolean() ? '+' : '-', 10 + rng.nextInt(90),
                rng.nextBoolean() ? '+' : '-', 10 + rng.nextInt(90));
    }

    public String expression() {
        return "" + a + op1 + b + op2 + c;
    }

    /** The question as the policy sees it; the trailing newline is where the worked answer starts. */
    public String prompt() {
        return "What is " + expression() + "?\n";
    }

    /** The value after the first operation. */
    public int partial() {
        return apply(a, op1, b);
    }

    public int answer() {
        return apply(partial(), op2, c);
    }

    /** The reference solution: one line per operation, then the boxed result. */
    public String workedAnswer() {
        return "" + a + op1 + b + "=" + partial() + "\n" + partial() + op2 + c + "=" + answer() + "\n\\boxed{"
                + answer() + "}";
    }

    private static int apply(int x, char op, int y) {
        return op == '+' ? x + y : x - y;
    }

    private static boolean isOp(char op) {
        return op == '+' || op == '-';
    }
}
