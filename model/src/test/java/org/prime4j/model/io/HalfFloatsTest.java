package org.prime4j.model.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Narrowing and widening against PyTorch's own conversions (fixture made by gen_io_fixtures.py). */
class HalfFloatsTest {

    private static float[] input;
    private static short[] torchBf16;
    private static short[] torchF16;
    private static float[] torchBf16Widened;
    private static float[] torchF16Widened;

    @BeforeAll
    static void load() throws Exception {
        try (SafetensorsReader r = SafetensorsReader.open(Fixtures.resource("halffloat_cases.safetensors"))) {
            input = r.get("input").toFloatArray();
            torchBf16 = Fixtures.halfBits(r.get("bf16"));
            torchF16 = Fixtures.halfBits(r.get("f16"));
            torchBf16Widened = r.get("bf16_widened").toFloatArray();
            torchF16Widened = r.get("f16_widened").toFloatArray();
        }
        assertThat(input).hasSizeGreaterThan(9000);
    }

    @Test
    void bf16NarrowingMatchesTorchBitForBit() {
        for (int i = 0; i < input.length; i++) {
            short mine = HalfFloats.floatToBf16(input[i]);
            if (Float.isNaN(input[i])) {
                // torch's NaN pattern depends on its code path (0x7FC0 scalar, 0xFFFF vectorised): any NaN is right
                assertThat(HalfFloats.bf16ToFloat(mine)).isNaN();
                assertThat(HalfFloats.bf16ToFloat(torchBf16[i])).isNaN();
                continue;
            }
            assertThat(mine).as("bf16 of %s (bits %08x), case %d", input[i],
                    Float.floatToRawIntBits(input[i]), i).isEqualTo(torchBf16[i]);
        }
    }

    @Test
    void f16NarrowingMatchesTorchBitForBit() {
        for (int i = 0; i < input.length; i++) {
            short mine = HalfFloats.floatToF16(input[i]);
            assertThat(mine).as("f16 of %s (bits %08x), case %d", input[i],
                    Float.floatToRawIntBits(input[i]), i).isEqualTo(torchF16[i]);
        }
    }

    @Test
    void wideningMatchesTorchExactly() {
        for (int i = 0; i < input.length; i++) {
            assertThat(Float.floatToRawIntBits(HalfFloats.bf16ToFloat(torchBf16[i])))
                    .as("bf16 %04x widened", torchBf16[i])
                    .isEqualTo(Float.floatToRawIntBits(torchBf16Widened[i]));
            float f = HalfFloats.f16ToFloat(torchF16[i]);
            if (Float.isNaN(torchF16Widened[i])) {
                assertThat(f).as("f16 %04x widened", torchF16[i]).isNaN();
            } else {
                assertThat(Float.floatToRawIntBits(f)).as("f16 %04x widened", torchF16[i])
                        .isEqualTo(Float.floatToRawIntBits(torchF16Widened[i]));
            }
        }
    }

    @Test
    void everyF16PatternSurvivesWidenThenNarrow() {
        for (int h = 0; h < 0x10000; h++) {
            float f = HalfFloats.f16ToFloat((short) h);
            if (Float.isNaN(f)) {
                continue; // NaN payloads are canonicalised on narrowing, like torch
            }
            assertThat(HalfFloats.floatToF16(f) & 0xFFFF).as("f16 %04x", h).isEqualTo(h);
        }
    }

    @Test
    void everyBf16PatternSurvivesWidenThenNarrow() {
        for (int h = 0; h < 0x10000; h++) {
            float f = HalfFloats.bf16ToFloat((short) h);
            if (Float.isNaN(f)) {
                continue;
            }
            assertThat(HalfFloats.floatToBf16(f) & 0xFFFF).as("bf16 %04x", h).isEqualTo(h);
        }
    }

    /**
     * Every pair of neighbouring finite halves (both formats, subnormals included): the midpoint goes to the
     * even pattern, one float ulp either side goes to the nearer one. Independent of torch: the expected
     * pattern follows from the rule alone (midpoints of 11- and 8-bit significands are exact floats).
     */
    @Test
    void exhaustiveTiesToEvenInBothFormats() {
        for (int h = 0; h < 0x7C00; h++) { // positive finite F16; 0x7BFF's upper neighbour is infinity
            checkNeighbours(h, HalfFloats.f16ToFloat((short) h), HalfFloats.f16ToFloat((short) (h + 1)), true);
        }
        for (int h = 0; h < 0x7F80; h++) { // positive finite BF16
            checkNeighbours(h, HalfFloats.bf16ToFloat((short) h), HalfFloats.bf16ToFloat((short) (h + 1)), false);
        }
    }

    private static void checkNeighbours(int h, float lo, float hi, boolean f16) {
        float mid = (float) (((double) lo + (double) hi) / 2); // exact: one more bit than the half holds
        if (Float.isInfinite(hi)) {
            // the overflow threshold: halfway to the next (unrepresentable) power of two
            mid = (float) ((double) lo + ((double) lo - (double) (f16 ? HalfFloats.f16ToFloat((short) (h - 1))
                    : HalfFloats.bf16ToFloat((short) (h - 1)))) / 2);
        }
        int even = (h & 1) == 0 ? h : h + 1;
        for (int sign : new int[] {0, 0x8000}) {
            float s = sign == 0 ? 1f : -1f;
            assertThat(narrow(s * mid, f16)).as("tie above %04x (%s)", h, f16 ? "f16" : "bf16").isEqualTo(even | sign);
            assertThat(narrow(s * Math.nextDown(mid), f16)).as("below tie %04x", h).isEqualTo(h | sign);
            assertThat(narrow(s * Math.nextUp(mid), f16)).as("above tie %04x", h).isEqualTo((h + 1) | sign);
        }
    }

    private static int narrow(float f, boolean f16) {
        return (f16 ? HalfFloats.floatToF16(f) : HalfFloats.floatToBf16(f)) & 0xFFFF;
    }
}
