package org.prime4j.model.io;

/**
 * Conversions between float and the two 16-bit formats, done in Java because Java 17 has no
 * {@code Float.floatToFloat16} and DJL's PyTorch engine aborts on BF16 arrays. Narrowing rounds to
 * nearest, ties to even, exactly as PyTorch does (so a checkpoint written here matches {@code
 * tensor.to(torch.bfloat16)} bit for bit); widening is exact.
 */
public final class HalfFloats {

    /** PyTorch's canonical BF16 NaN (c10::BFloat16 round_to_nearest_even). */
    private static final short BF16_NAN = 0x7FC0;

    private HalfFloats() {}

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    public static short floatToBf16(float f) {
        if (Float.isNaN(f)) {
            return BF16_NAN;
        }
        int bits = Float.floatToRawIntBits(f);
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    public static float f16ToFloat(short half) {
        int h = half & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0) {
            // zero or subnormal: mant * 2^-24 is exact in float
            float magnitude = mant * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        if (exp == 0x1F) {
            // infinity or NaN; the payload is kept
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    public static short floatToF16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFFFFFF;
        if (abs >= 0x7F800000) {
            // PyTorch (fp16_ieee_from_fp32_value) keeps the sign and returns the canonical quiet NaN
            return (short) (sign | (abs > 0x7F800000 ? 0x7E00 : 0x7C00));
        }
        if (abs >= 0x477FF000) {
            // 65520 and above round to infinity
            return (short) (sign | 0x7C00);
        }
        int exp = abs >>> 23;
        if (abs < 0x38800000) {
            // below the smallest normal half (2^-14): a subnormal half, counted in units of 2^-24
            if (exp < 102) {
                return (short) sign; // below 2^-25 (or exactly a tie with 0): rounds to zero
            }
            int mant = (abs & 0x7FFFFF) | 0x800000;
            int shift = 126 - exp;
            return (short) (sign | roundShiftRightEven(mant, shift));
        }
        int half = ((exp - 112) << 10) | ((abs & 0x7FFFFF) >>> 13);
        int rest = abs & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
            half++; // a carry out of the mantissa correctly bumps the exponent
        }
        return (short) (sign | half);
    }

    private static int roundShiftRightEven(int value, int shift) {
        int result = value >>> shift;
        int rest = value & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (rest > halfway || (rest == halfway && (result & 1) == 1)) {
            result++;
        }
        return result;
    }
}
