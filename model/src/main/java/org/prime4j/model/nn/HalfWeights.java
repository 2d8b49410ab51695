package org.prime4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.io.DType;
import org.prime4j.model.io.HalfFloats;
import org.prime4j.model.io.HostTensor;

/**
 * Frozen base weights kept in 16 bits (BF16 or FP16, as the checkpoint ships them) and widened to FP32 one
 * tensor at a time when a layer runs. DJL's PyTorch engine aborts on BF16 (and INT16) arrays, so the bits
 * live in libtorch-owned UINT8 tensors (2 bytes per element, counted in the process RSS like any weight) and
 * are widened in Java, straight from that storage into a fresh libtorch FP32 tensor: no Java heap copy, no
 * direct-memory limit, and the widened tensor is freed when the caller's manager closes it.
 */
public final class HalfWeights implements AutoCloseable {

    private static final int BLOCK = 1 << 16;
    /** FP32 elements of one widened head slice (64 Mi elements, 256 MiB); tests cut tiny heads into slices too. */
    static long headSliceElements = 1L << 26;

    private final DType dtype;
    private final NDManager manager;
    private final Map<String, NDArray> bits = new LinkedHashMap<>();
    private final Map<String, long[]> shapes;

    private HalfWeights(ModelConfig config, DType dtype, NDManager parent) {
        if (dtype != DType.BF16 && dtype != DType.F16) {
            throw new IllegalArgumentException("a frozen 16-bit base holds BF16 or F16, got " + dtype);
        }
        this.dtype = dtype;
        this.manager = parent.newSubManager();
        this.shapes = ParamNames.shapes(config);
    }

    /**
     * The tensors of {@code config} in {@code dtype}: 16-bit tensors of that dtype are copied bit for bit,
     * anything else is rounded to it (round-to-nearest-even, as torch's {@code .to()}). Names and shapes must
     * match the config exactly.
     */
    public static HalfWeights fromHost(ModelConfig config, Map<String, HostTensor> tensors, DType dtype,
                                       NDManager parent) {
        HalfWeights w = new HalfWeights(config, dtype, parent);
        try {
            ParamNames.requireExactly(config, tensors);
            for (Map.Entry<String, long[]> e : w.shapes.entrySet()) {
                HostTensor t = tensors.get(e.getKey());
                ShortBuffer dst = w.allocate(e.getKey(), t.numel());
                float[] block = new float[BLOCK];
                for (long done = 0; done < t.numel(); done += BLOCK) {
                    int n = (int) Math.min(BLOCK, t.numel() - done);
                    t.readFloats(done, block, 0, n);
                    for (int i = 0; i < n; i++) {
                        dst.put(w.narrow(block[i]));
                    }
                }
            }
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
        return w;
    }

    /**
     * Random weights for memory and speed benchmarks, filled fast with a xorshift generator: uniform values
     * with standard deviation {@code std}; norms 1, biases 0. Not Gaussian, not comparable to {@link
     * CausalLM#random}: only the sizes matter.
     */
    public static HalfWeights random(ModelConfig config, DType dtype, long seed, double std, NDManager parent) {
        HalfWeights w = new HalfWeights(config, dtype, parent);
        long state = seed * 0x9E3779B97F4A7C15L | 1;
        double bound = std * Math.sqrt(3);
        // 256 levels are plenty for a benchmark and make the inner loop a table load.
        short[] table = new short[256];
        for (int i = 0; i < table.length; i++) {
            table[i] = w.narrow((float) ((i / 127.5 - 1) * bound));
        }
        try {
            for (Map.Entry<String, long[]> e : w.shapes.entrySet()) {
                long numel = CausalLM.numel(e.getValue());
                ShortBuffer dst = w.allocate(e.getKey(), numel);
                String name = e.getKey();
                if (name.endsWith("norm.weight") || name.endsWith(".bias")) {
                    short fill = w.narrow(name.endsWith(".bias") ? 0f : 1f);
                    for (long i = 0; i < numel; i++) {
                        dst.put(fill);
                    }
                    continue;
                }
                short[] block = new short[BLOCK];
                for (long done = 0; done < numel; done += BLOCK) {
                    int n = (int) Math.min(BLOCK, numel - done);
                    for (int i = 0; i < n; i++) {
                        state ^= state << 13;
                        state ^= state >>> 7;
                        state ^= state << 17;
                        block[i] = table[(int) (state & 0xFF)];
                    }
                    dst.put(block, 0, n);
                }
            }
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
        return w;
    }

    private ShortBuffer allocate(String name, long numel) {
        NDArray a = manager.zeros(new Shape(numel * 2), DataType.UINT8);
        a.setName(name);
        bits.put(name, a);
        return view(a).asShortBuffer();
    }

    /** The tensor's own memory (libtorch's direct buffer over a contiguous CPU tensor, not a copy). */
    private static ByteBuffer view(NDArray a) {
        return JniUtils.getByteBuffer((PtNDArray) a, true).order(ByteOrder.nativeOrder());
    }

    private short narrow(float f) {
        return dtype == DType.BF16 ? HalfFloats.floatToBf16(f) : HalfFloats.floatToF16(f);
    }

    private float widen(short s) {
        return dtype == DType.BF16 ? HalfFloats.bf16ToFloat(s) : HalfFloats.f16ToFloat(s);
    }

    public DType dtype() {
        return dtype;
    }

    public boolean has(String name) {
        return bits.containsKey(name);
    }

    /** Bytes held (2 per element). */
    public long bytes() {
        long n = 0;
        for (NDArray a : bits.values()) {
            n += a.size();
        }
        return n;
    }

    /** The whole tensor widened to a fresh FP32 array on {@code m} (no gradient). */
    public NDArray widen(NDManager m, String name) {
        NDArray src = require(name);
        long[] shape = shapes.get(name);
        NDArray out = m.create(new Shape(shape), DataType.FLOAT32);
        copyWidened(view(src).asShortBuffer(), view(out).asFloatBuffer(), src.size() / 2);
        return out;
    }

    /**
     * Rows [from, to) of a 2-D tensor as FP32 on {@code m}: an output head is widened in slices, since a
     * 7B-class vocabulary matrix in FP32 exceeds the 2 GiB a Java buffer can address.
     */
    public NDArray widenRowRange(NDManager m, String name, long from, long to) {
        NDArray src = require(name);
        long[] shape = shapes.get(name);
        if (from < 0 || to > shape[0] || from >= to) {
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") of " + name + " with "
                    + shape[0] + " rows");
        }
        int cols = Math.toIntExact(shape[1]);
        NDArray out = m.create(new Shape(to - from, cols), DataType.FLOAT32);
        copyWidened(view(src).asShortBuffer().slice(Math.toIntExact(from * cols), Math.toIntExact((to - from) * cols)),
                view(out).asFloatBuffer(), (to - from) * cols);
        return out;
    }

    public long[] shape(String name) {
        require(name);
        return shapes.get(name).clone();
    }

    /**
     * An output projection {@code h W^T} over a frozen (vocab x d) matrix, widened a slice of rows at a time;
     * the slices' logits are concatenated over the vocabulary.
     */
    NDArray head(NDManager call, NDArray h, String name) {
        NDList parts = new NDList();
        forEachRowSlice(call, name, (from, to, w) -> parts.add(CausalLM.linear(h, w, null))); // on h's manager
        return parts.size() == 1 ? parts.head() : NDArrays.concat(parts, -1);
    }

    /**
     * The gradient of {@link #head}'s input from the gradient of its logits: {@code dL/dh = sum over slices of
     * g[..., slice] W[slice]}, widening one slice at a time (for backward by hand, without autograd keeping every
     * widened slice).
     */
    NDArray headInputGradient(NDManager call, NDArray gradLogits, String name) {
        NDArray[] sum = new NDArray[1];
        forEachRowSlice(call, name, (from, to, w) -> {
            NDArray part = gradLogits.get(new NDIndex(":, :, {}:{}", from, to)).matMul(w);
            if (sum[0] == null) {
                sum[0] = part;
                sum[0].attach(call);
            } else {
                sum[0].addi(part);
            }
        });
        return sum[0];
    }

    /** What is done with one slice of rows [from, to) of a 2-D tensor, widened to FP32. */
    private interface RowSlice {
        void accept(long from, long to, NDArray widened);
    }

    /**
     * Calls {@code use} with each slice of at most {@link #headSliceElements} elements of the 2-D tensor, in row
     * order; each widened slice is freed when its call returns.
     */
    private void forEachRowSlice(NDManager call, String name, RowSlice use) {
        long[] shape = shapes.get(name);
        long rowsPerSlice = Math.max(1, headSliceElements / shape[1]);
        for (long from = 0; from < shape[0]; from += rowsPerSlice) {
            long to = Math.min(shape[0], from + rowsPerSlice);
            try (NDManager scope = call.newSubManager()) {
                use.accept(from, to, widenRowRange(scope, name, from, to));
            }
        }
    }

    /** Every tensor widened to FP32 host arrays, one at a time. */
    Map<String, HostTensor> toHost() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            try (NDManager scratch = manager.newSubManager()) {
                out.put(e.getKey(), HostTensor.ofFloats(e.getKey(), e.getValue(),
                        widen(scratch, e.getKey()).toFloatArray()));
            }
        }
        return out;
    }

    /** Rows {@code ids} of a 2-D tensor (an embedding lookup) as FP32 (ids.length x columns) on {@code m}. */
    public NDArray widenRows(NDManager m, String name, long[] ids) {
        NDArray src = require(name);
        long[] shape = shapes.get(name);
        int cols = Math.toIntExact(shape[1]);
        NDArray out = m.create(new Shape(ids.length, cols), DataType.FLOAT32);
        ShortBuffer from = view(src).asShortBuffer();
        FloatBuffer to = view(out).asFloatBuffer();
        for (long id : ids) {
            if (id < 0 || id >= shape[0]) {
                throw new IllegalArgumentException("token id " + id + " is outside the " + shape[0]
                        + " rows of " + name);
            }
            copyWidened(from.slice(Math.toIntExact(id * cols), cols), to, cols);
        }
        return out;
    }

    private void copyWidened(ShortBuffer from, FloatBuffer to, long n) {
        short[] in = new short[(int) Math.min(BLOCK, n)];
        float[] block = new float[in.length];
        for (long done = 0; done < n; done += in.length) {
            int k = (int) Math.min(in.length, n - done);
            from.get(in, 0, k);
            for (int i = 0; i < k; i++) {
                block[i] = widen(in[i]);
            }
            to.put(block, 0, k);
        }
    }

    private NDArray require(String name) {
        NDArray a = bits.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no frozen tensor " + name);
        }
        return a;
    }

    @Override
    public void close() {
        manager.close();
    }
}
