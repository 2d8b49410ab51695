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

    /** Every half's float, so widening is one load (computed by {@link #f16ToFloatExact}). */
    private static final float[] F16_TABLE = new float[1 << 16];

    static {
        for (int h = 0; h < F16_TABLE.length; h++) {
            F16_TABLE[h] = f16ToFloatExact((short) h);
        }
    }

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
        return F16_TABLE[half & 0xFFFF];
    }

    static float f16ToFloatExact(short half) {
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

    /**
     * Rounds with the float unit itself, as PyTorch's {@code fp16_ieee_from_fp32_value} does: scaling by
     * 2^112 then 2^-110 saturates overflow to infinity, and adding a power of two chosen from the input's
     * exponent makes the hardware's round-to-nearest-even drop exactly the bits a half cannot hold
     * (including the subnormal range). Branch-light, so checkpoint writes are not bound by it.
     */
    public static short floatToF16(float f) {
        int w = Float.floatToRawIntBits(f);
        int shl1 = w + w; // exponent and mantissa, sign shifted out
        int sign = w & 0x80000000;
        float base = (Math.abs(f) * 0x1.0p+112f) * 0x1.0p-110f;
        int bias = shl1 & 0xFF000000;
        if (Integer.compareUnsigned(bias, 0x71000000) < 0) {
            bias = 0x71000000;
        }
        base = Float.intBitsToFloat((bias >>> 1) + 0x07800000) + base;
        int bits = Float.floatToRawIntBits(base);
        int nonSign = ((bits >>> 13) & 0x7C00) + (bits & 0x0FFF);
        int half = Integer.compareUnsigned(shl1, 0xFF000000) > 0 ? 0x7E00 : nonSign; // NaN: canonical quiet NaN
        return (short) ((sign >>> 16) | half);
    }
}
