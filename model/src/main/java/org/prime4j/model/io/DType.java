package org.prime4j.model.io;

/**
 * The floating-point element types prime4j reads and writes, named as in the safetensors header.
 * Other safetensors dtypes (integers, FP8, F64) are rejected with a message naming the dtype: the models
 * prime4j runs are stored in one of these three.
 */
public enum DType {
    F32(4, "float32"),
    F16(2, "float16"),
    BF16(2, "bfloat16");

    private final int byteSize;
    private final String torchName;

    DType(int byteSize, String torchName) {
        this.byteSize = byteSize;
        this.torchName = torchName;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The name in safetensors headers ("F32", "F16", "BF16"). */
    public String safetensorsName() {
        return name();
    }

    /** The name in config.json's {@code torch_dtype} ("float32", "float16", "bfloat16"). */
    public String torchName() {
        return torchName;
    }

    /** Parses a safetensors header dtype; anything but F32/F16/BF16 is an IllegalArgumentException. */
    public static DType fromSafetensors(String s) {
        for (DType d : values()) {
            if (d.name().equals(s)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unsupported safetensors dtype \"" + s
                + "\" (prime4j reads F32, F16 and BF16)");
    }

}
