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
}
