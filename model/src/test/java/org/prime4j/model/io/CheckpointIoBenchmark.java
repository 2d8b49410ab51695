package org.prime4j.model.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Checkpoint IO throughput on a 32M-element tensor (64 MiB in BF16), each against a baseline in the same
 * run: decoding BF16/F16 from a mapped file into a float array against a bulk copy of the same mapped bytes
 * into a short array (both preallocated, so allocation is not measured), and
 * writing BF16/F16 (rounding in Java) against writing F32 (no conversion). Run with
 * {@code java -cp <test classpath> org.openjdk.jmh.Main CheckpointIoBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class CheckpointIoBenchmark {

    private static final int N = 32 << 20;

    private Path dir;
    private SafetensorsReader bf16;
    private SafetensorsReader f16;
    private HostTensor heapTensor;
    private ByteBuffer mappedBf16;
    private short[] rawCopy;
    private float[] decoded;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("prime4j-io-bench");
        float[] data = Fixtures.floats(N, 11);
        heapTensor = HostTensor.ofFloats("w", new long[] {N}, data);
        SafetensorsWriter.write(dir.resolve("bf16.safetensors"), Map.of("w", heapTensor), DType.BF16);
        SafetensorsWriter.write(dir.resolve("f16.safetensors"), Map.of("w", heapTensor), DType.F16);
        bf16 = SafetensorsReader.open(dir.resolve("bf16.safetensors"));
        f16 = SafetensorsReader.open(dir.resolve("f16.safetensors"));
        mappedBf16 = bf16.get("w").storedRegions()[0];
        rawCopy = new short[N];
        decoded = new float[N];
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        bf16.close();
        f16.close();
        Directories.deleteTree(dir);
    }

    /** Baseline for decoding: copy the mapped BF16 bytes into a heap array without converting. */
    @Benchmark
    public short[] readRawBf16Baseline() {
        mappedBf16.duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(rawCopy);
        return rawCopy;
    }

    @Benchmark
    public float[] readBf16ToFloat() {
        bf16.get("w").readFloats(0, decoded, 0, N);
        return decoded;
    }

    @Benchmark
    public float[] readF16ToFloat() {
        f16.get("w").readFloats(0, decoded, 0, N);
        return decoded;
    }

    /** Baseline for writing: F32 needs no rounding. */
    @Benchmark
    public long writeF32Baseline() throws IOException {
        return write(DType.F32);
    }

    @Benchmark
    public long writeBf16() throws IOException {
        return write(DType.BF16);
    }

    @Benchmark
    public long writeF16() throws IOException {
        return write(DType.F16);
    }

    private long write(DType dtype) throws IOException {
        Path out = dir.resolve("out.safetensors");
        SafetensorsWriter.write(out, Map.of("w", heapTensor), dtype);
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.READ)) {
            return ch.size();
        }
    }
}
