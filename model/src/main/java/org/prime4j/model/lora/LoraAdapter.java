package org.prime4j.model.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.io.DType;
import org.prime4j.model.io.HostTensor;
import org.prime4j.model.io.SafetensorsReader;
import org.prime4j.model.io.SafetensorsWriter;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.OwnedArrays;
import org.prime4j.model.nn.ParamNames;
import org.prime4j.model.nn.ProjectionAdapter;

/**
 * A LoRA adapter (Hu et al. 2021) in PEFT's layout: for each targeted projection W (out x in),
 * {@code y = W x + b + (alpha / r) * B (A dropout(x))} with A (r x in) and B (out x r). A starts as PEFT's
 * kaiming-uniform (bound 1 / sqrt(in)), B at zero, so a fresh adapter leaves the model unchanged. Install with
 * {@link CausalLM#setAdapter}; train with the base frozen ({@code model.setTrainable(false)}) and
 * {@link #parameters()} given to the optimizer.
 */
public final class LoraAdapter implements ProjectionAdapter, AutoCloseable {

    public static final String WEIGHTS = "adapter_model.safetensors";
    private static final String PREFIX = "base_model.model.";

    private final LoraConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> a = new LinkedHashMap<>();
    private final Map<String, NDArray> b = new LinkedHashMap<>();
    private final Map<String, NDArray> byPeftName = new LinkedHashMap<>();
    private boolean training;

    private LoraAdapter(LoraConfig config, NDManager parent) {
        this.config = config;
        this.manager = parent.newSubManager();
    }

    /** A fresh, trainable adapter for {@code model}: A random (seeded), B zero. */
    public static LoraAdapter create(CausalLM model, LoraConfig config, long seed) {
        LoraAdapter adapter = new LoraAdapter(config, model.manager());
        Random rng = new Random(seed);
        Map<String, long[]> shapes = ParamNames.shapes(model.config());
        for (String module : modules(model.config(), config)) {
            long[] w = shapes.get(module + ".weight");
            int in = Math.toIntExact(w[1]);
            float[] data = new float[config.r() * in];
            double bound = 1.0 / Math.sqrt(in);
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
            }
            adapter.put(module, data, new float[Math.toIntExact(w[0]) * config.r()], w[0], in);
        }
        adapter.setTrainable(true);
        return adapter;
    }

    /** Reads {@code adapter_config.json} + {@code adapter_model.safetensors}; shapes must fit {@code model}. */
    public static LoraAdapter load(CausalLM model, Path dir) throws IOException {
        LoraConfig config = LoraConfig.read(dir.resolve(LoraConfig.FILE));
        LoraAdapter adapter = new LoraAdapter(config, model.manager());
        Map<String, long[]> shapes = ParamNames.shapes(model.config());
        Path file = dir.resolve(WEIGHTS);
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            for (String module : modules(model.config(), config)) {
                long[] w = shapes.get(module + ".weight");
                HostTensor ta = require(reader, file, peftName(module, "lora_A"), new long[] {config.r(), w[1]});
                HostTensor tb = require(reader, file, peftName(module, "lora_B"), new long[] {w[0], config.r()});
                adapter.put(module, ta.toFloatArray(), tb.toFloatArray(), w[0], w[1]);
            }
            for (String name : reader.names()) {
                if (!adapter.byPeftName.containsKey(name)) {
                    adapter.close();
                    throw new IllegalArgumentException(file + ": tensor " + name
                            + " does not belong to a target module of this adapter");
                }
            }
        } catch (RuntimeException | IOException e) {
            adapter.close();
            throw e;
        }
        return adapter;
    }

    private static HostTensor require(SafetensorsReader reader, Path file, String name, long[] shape) {
        if (!reader.names().contains(name)) {
            throw new IllegalArgumentException(file + ": missing tensor " + name);
        }
        HostTensor t = reader.get(name);
        if (!java.util.Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(file + ": tensor " + name + " has shape "
                    + java.util.Arrays.toString(t.shape()) + ", expected " + java.util.Arrays.toString(shape));
        }
        return t;
    }

    private static Iterable<String> modules(ModelConfig model, LoraConfig config) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < model.numHiddenLayers(); i++) {
            for (String proj : config.targetModules()) {
                out.add(ParamNames.projection(i, proj));
            }
        }
        return out;
    }

    static String peftName(String module, String which) {
        return PREFIX + module + "." + which + ".weight";
    }

    private void put(String module, float[] aData, float[] bData, long out, long in) {
        NDArray na = OwnedArrays.copyOf(manager, aData, new Shape(config.r(), in));
        NDArray nb = OwnedArrays.copyOf(manager, bData, new Shape(out, config.r()));
        na.setName(peftName(module, "lora_A"));
        nb.setName(peftName(module, "lora_B"));
        a.put(module, na);
        b.put(module, nb);
        byPeftName.put(na.getName(), na);
        byPeftName.put(nb.getName(), nb);
    }

    public LoraConfig config() {
        return config;
    }

    /** A and B of every module, keyed by PEFT tensor name (the arrays themselves, for the optimizer). */
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(byPeftName);
    }

    public void setTrainable(boolean trainable) {
        for (NDArray p : byPeftName.values()) {
            if (p.hasGradient() != trainable) {
                p.setRequiresGradient(trainable);
            }
        }
    }

    /** Applies lora_dropout to the adapter's input while on (training); off for scoring and generation. */
    public void setTraining(boolean training) {
        this.training = training;
    }

    /** False while dropout is applied (training with lora_dropout > 0): each call draws a new mask. */
    @Override
    public boolean deterministic() {
        return !(training && config.dropout() > 0);
    }

    @Override
    public NDArray delta(String module, NDArray x) {
        NDArray la = a.get(module);
        if (la == null) {
            return null;
        }
        NDArray lb = b.get(module);
        if (x.getDataType() != la.getDataType()) {
            if (la.hasGradient()) {
                throw new UnsupportedOperationException("LoRA training needs a FLOAT32 base model (or a frozen "
                        + "16-bit base, CausalLM.frozen, which computes in FLOAT32); the input of " + module + " is "
                        + x.getDataType());
            }
            // Inference on a half-precision base: cast the factors (DJL casts are not differentiable).
            la = la.toType(x.getDataType(), false);
            lb = lb.toType(x.getDataType(), false);
            la.attach(x.getManager());
            lb.attach(x.getManager());
        }
        NDArray in = x;
        if (training && config.dropout() > 0) {
            in = x.getNDArrayInternal().dropout(x, (float) config.dropout(), true).singletonOrThrow();
        }
        NDArray y = CausalLM.linear(CausalLM.linear(in, la, null), lb, null);
        return y.mul(OwnedArrays.scalar(y, config.scale()));
    }

    /** Writes {@code adapter_config.json} and {@code adapter_model.safetensors} (F32) into {@code dir}. */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : byPeftName.entrySet()) {
            tensors.put(e.getKey(), HostTensor.ofFloats(e.getKey(), e.getValue().getShape().getShape(),
                    e.getValue().toFloatArray()));
        }
        SafetensorsWriter.write(dir.resolve(WEIGHTS), tensors, DType.F32);
        config.write(dir.resolve(LoraConfig.FILE));
    }

    /** Adds {@code scale * B A} into the base weights of {@code model} (in place); uninstall the adapter after. */
    public void mergeInto(CausalLM model) {
        Map<String, NDArray> params = model.parameters();
        try (NDManager scratch = manager.newSubManager()) {
            for (Map.Entry<String, NDArray> e : a.entrySet()) {
                NDArray w = params.get(e.getKey() + ".weight");
                NDArray product = b.get(e.getKey()).matMul(e.getValue());
                product.attach(scratch);
                w.addi(product.mul(config.scale()));
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
