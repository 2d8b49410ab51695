package org.prime4j.model.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor in host memory, in its stored dtype: either a heap float array (F32) or little-endian byte
 * regions, typically memory-mapped from a safetensors file. Regions split a tensor larger than one
 * {@link ByteBuffer} can address (2 GiB) at element boundaries. Conversion to float happens on demand.
 */
public final class HostTensor {

    /** Elements converted per step when streaming, so a huge tensor never needs a second full copy. */
    static final int STREAM_BLOCK = 1 << 20;

    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final long numel;
    private final float[] floats;
    private final ByteBuffer[] regions;

    private HostTensor(String name, DType dtype, long[] shape, float[] floats, ByteBuffer[] regions) {
        this.name = Objects.requireNonNull(name, "name");
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        this.numel = numel(name, this.shape);
        this.floats = floats;
        this.regions = regions;
    }

    /** An F32 tensor over {@code data}, which is kept, not copied: do not modify it afterwards. */
    public static HostTensor ofFloats(String name, long[] shape, float[] data) {
        HostTensor t = new HostTensor(name, DType.F32, shape, Objects.requireNonNull(data, "data"), null);
        if (t.numel != data.length) {
            throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape)
                    + " holds " + t.numel + " elements but the data has " + data.length);
        }
        return t;
    }

    /**
     * A tensor over little-endian bytes in {@code dtype}; the regions are kept, not copied, and must split
     * the data at element boundaries.
     */
    public static HostTensor ofBytes(String name, DType dtype, long[] shape, ByteBuffer... regions) {
        ByteBuffer[] views = new ByteBuffer[regions.length];
        long bytes = 0;
        for (int i = 0; i < regions.length; i++) {
            if (regions[i].remaining() % dtype.byteSize() != 0) {
                throw new IllegalArgumentException("tensor " + name + ": region " + i
                        + " is not a whole number of " + dtype + " elements");
            }
            views[i] = regions[i].slice().order(ByteOrder.LITTLE_ENDIAN);
            bytes += views[i].remaining();
        }
        HostTensor t = new HostTensor(name, dtype, shape, null, views);
        if (t.byteSize() != bytes) {
            throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " in "
                    + dtype + " needs " + t.byteSize() + " bytes but the data has " + bytes);
        }
        return t;
    }

    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    public long numel() {
        return numel;
    }

    /** Bytes in the stored dtype. */
    public long byteSize() {
        return numel * dtype.byteSize();
    }

    /** A fresh float array; F16 and BF16 are widened exactly. */
    public float[] toFloatArray() {
        if (numel > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("tensor " + name + " has " + numel
                    + " elements, more than a Java array holds; read it in blocks");
        }
        float[] out = new float[(int) numel];
        readFloats(0, out, 0, out.length);
        return out;
    }

    /** Copies {@code count} elements starting at element {@code start}, widened to float, into dst. */
    public void readFloats(long start, float[] dst, int offset, int count) {
        Objects.checkFromIndexSize(start, count, numel);
        Objects.checkFromIndexSize(offset, count, dst.length);
        if (floats != null) {
            System.arraycopy(floats, (int) start, dst, offset, count);
            return;
        }
        int size = dtype.byteSize();
        long regionStart = 0; // element index of the current region's first element
        for (ByteBuffer region : regions) {
            long regionElems = region.remaining() / size;
            long from = Math.max(start, regionStart);
            long to = Math.min(start + count, regionStart + regionElems);
            if (from < to) {
                decode(region, (int) (from - regionStart), dst, offset + (int) (from - start), (int) (to - from));
            }
            regionStart += regionElems;
        }
    }

    private void decode(ByteBuffer region, int first, float[] dst, int offset, int n) {
        ByteBuffer b = region.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (dtype == DType.F32) {
            b.position(first * 4).asFloatBuffer().get(dst, offset, n);
            return;
        }
        // bulk-copy the 16-bit patterns in blocks, then widen in a tight loop the JIT can unroll
        var shorts = b.position(first * 2).asShortBuffer();
        short[] block = new short[Math.min(n, 1 << 16)];
        for (int done = 0; done < n; ) {
            int m = Math.min(block.length, n - done);
            shorts.get(block, 0, m);
            int o = offset + done;
            if (dtype == DType.BF16) {
                for (int i = 0; i < m; i++) {
                    dst[o + i] = HalfFloats.bf16ToFloat(block[i]);
                }
            } else {
                for (int i = 0; i < m; i++) {
                    dst[o + i] = HalfFloats.f16ToFloat(block[i]);
                }
            }
            done += m;
        }
    }

    /** The stored bytes as read-only little-endian regions, or null for a heap F32 tensor. */
    ByteBuffer[] storedRegions() {
        if (regions == null) {
            return null;
        }
        ByteBuffer[] out = new ByteBuffer[regions.length];
        for (int i = 0; i < regions.length; i++) {
            out[i] = regions[i].asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        return out;
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }

    private static long numel(String name, long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor " + name + " has a negative dimension in "
                        + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
