package org.prime4j.model.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Writes one {@code .safetensors} file: names sorted, {@code {"format":"pt"}} metadata (what
 * transformers' loader checks), the header padded with spaces to a multiple of 8 bytes so the data is
 * aligned, every tensor stored in one dtype (narrowed with round-to-nearest-even). The file is fsynced.
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {}

    /** Writes {@code tensors} (keyed by name) to {@code file} in {@code dtype}. */
    public static void write(Path file, Map<String, HostTensor> tensors, DType dtype) throws IOException {
        write(file, tensors, dtype, Map.of("format", "pt"));
    }

    public static void write(Path file, Map<String, HostTensor> tensors, DType dtype,
                             Map<String, String> metadata) throws IOException {
        SortedMap<String, HostTensor> sorted = new TreeMap<>(tensors);
        byte[] header = header(sorted, dtype, metadata);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            writeFully(ch, len);
            writeFully(ch, ByteBuffer.wrap(header));
            for (HostTensor t : sorted.values()) {
                writeData(ch, t, dtype);
            }
            ch.force(true);
        }
    }

    /** The bytes {@code tensor} takes in {@code dtype}. */
    static long byteSize(HostTensor tensor, DType dtype) {
        return tensor.numel() * dtype.byteSize();
    }

    private static byte[] header(SortedMap<String, HostTensor> sorted, DType dtype, Map<String, String> metadata)
            throws IOException {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject("__metadata__");
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, HostTensor> e : sorted.entrySet()) {
            if (!e.getKey().equals(e.getValue().name())) {
                throw new IllegalArgumentException("tensor keyed " + e.getKey() + " is named "
                        + e.getValue().name());
            }
            long size = byteSize(e.getValue(), dtype);
            ObjectNode node = root.putObject(e.getKey());
            node.put("dtype", dtype.safetensorsName());
            ArrayNode shape = node.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            node.putArray("data_offsets").add(offset).add(offset + size);
            offset += size;
        }
        byte[] json = JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            out[i] = ' ';
        }
        return out;
    }

    private static void writeData(FileChannel ch, HostTensor t, DType dtype) throws IOException {
        ByteBuffer[] stored = t.storedRegions();
        if (stored != null && t.dtype() == dtype) {
            for (ByteBuffer region : stored) {
                writeFully(ch, region); // same dtype: the bytes as they are, bit for bit
            }
            return;
        }
        int block = (int) Math.min(HostTensor.STREAM_BLOCK, Math.max(1, t.numel()));
        float[] floats = new float[block];
        ByteBuffer buf = ByteBuffer.allocateDirect(block * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (long start = 0; start < t.numel(); start += block) {
            int n = (int) Math.min(block, t.numel() - start);
            t.readFloats(start, floats, 0, n);
            buf.clear();
            switch (dtype) {
                case F32 -> buf.asFloatBuffer().put(floats, 0, n);
                case BF16 -> {
                    for (int i = 0; i < n; i++) {
                        buf.putShort(2 * i, HalfFloats.floatToBf16(floats[i]));
                    }
                }
                case F16 -> {
                    for (int i = 0; i < n; i++) {
                        buf.putShort(2 * i, HalfFloats.floatToF16(floats[i]));
                    }
                }
            }
            buf.limit(n * dtype.byteSize());
            writeFully(ch, buf);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
