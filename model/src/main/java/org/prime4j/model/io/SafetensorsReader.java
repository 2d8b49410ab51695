package org.prime4j.model.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads one {@code .safetensors} file: an 8-byte little-endian header length, a JSON header
 * {@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {..}}}, then the data. The
 * whole header is validated at open (offsets in range and disjoint, byte sizes matching shapes); each
 * tensor's region is memory-mapped when asked for, in pieces of at most {@link #MAX_REGION} bytes, so
 * neither files nor tensors are limited to 2 GiB. Mappings stay valid after {@link #close()}.
 */
public final class SafetensorsReader implements AutoCloseable {

    /** The format's own limit on the header (the reference implementation rejects larger ones). */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    /** The largest piece mapped at once: whole elements of every dtype, below ByteBuffer's 2 GiB limit. */
    static final long MAX_REGION = (Integer.MAX_VALUE / 8) * 8L;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Bytes per element of every safetensors dtype, so files holding dtypes prime4j skips still validate. */
    private static final Map<String, Integer> ALL_DTYPE_SIZES = Map.ofEntries(
            Map.entry("BOOL", 1), Map.entry("U8", 1), Map.entry("I8", 1), Map.entry("F8_E4M3", 1),
            Map.entry("F8_E5M2", 1), Map.entry("I16", 2), Map.entry("U16", 2), Map.entry("F16", 2),
            Map.entry("BF16", 2), Map.entry("I32", 4), Map.entry("U32", 4), Map.entry("F32", 4),
            Map.entry("I64", 8), Map.entry("U64", 8), Map.entry("F64", 8));

    private record Entry(String name, String dtype, long[] shape, long begin, long end) {}

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final long maxRegion;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsReader(Path file, FileChannel channel, long dataStart, long maxRegion,
                              Map<String, Entry> entries, Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.maxRegion = maxRegion;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens and validates {@code file}; every problem is an IOException naming the file (and tensor). */
    public static SafetensorsReader open(Path file) throws IOException {
        return open(file, MAX_REGION);
    }

    /** As {@link #open(Path)}, mapping at most {@code maxRegion} bytes at once (small in tests). */
    static SafetensorsReader open(Path file, long maxRegion) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < 8) {
                throw new IOException(file + ": not a safetensors file: " + size
                        + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lenBuf, 0, file);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
                throw new IOException(file + ": header length " + Long.toUnsignedString(headerLen)
                        + " is out of range (2.." + MAX_HEADER_BYTES + " bytes)");
            }
            if (8 + headerLen > size) {
                throw new IOException(file + ": header length " + headerLen + " runs past the end of the file ("
                        + size + " bytes): truncated or not a safetensors file");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(channel, header, 8, file);
            long dataStart = 8 + headerLen;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Entry> entries = parseHeader(file, header.array(), size - dataStart, metadata);
            return new SafetensorsReader(file, channel, dataStart, maxRegion, entries,
                    Collections.unmodifiableMap(metadata));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static Map<String, Entry> parseHeader(Path file, byte[] header, long dataLen,
                                                  Map<String, String> metadata) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(new String(header, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": malformed header JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": header is not a JSON object");
        }
        Map<String, Entry> entries = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode node = field.getValue();
            if (name.equals("__metadata__")) {
                if (!node.isObject()) {
                    throw new IOException(file + ": __metadata__ must be an object of strings");
                }
                for (Iterator<Map.Entry<String, JsonNode>> m = node.fields(); m.hasNext(); ) {
                    Map.Entry<String, JsonNode> kv = m.next();
                    if (!kv.getValue().isTextual()) {
                        throw new IOException(file + ": __metadata__." + kv.getKey() + " must be a string");
                    }
                    metadata.put(kv.getKey(), kv.getValue().asText());
                }
                continue;
            }
            entries.put(name, parseEntry(file, name, node, dataLen));
        }
        checkDisjoint(file, entries.values());
        return entries;
    }

    private static Entry parseEntry(Path file, String name, JsonNode node, long dataLen) throws IOException {
        String where = file + ": tensor " + name;
        if (!node.isObject()) {
            throw new IOException(where + ": entry is not a JSON object");
        }
        JsonNode dtypeNode = node.get("dtype");
        JsonNode shapeNode = node.get("shape");
        JsonNode offsetsNode = node.get("data_offsets");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new IOException(where + ": missing or non-string \"dtype\"");
        }
        String dtype = dtypeNode.asText();
        Integer elemSize = ALL_DTYPE_SIZES.get(dtype);
        if (elemSize == null) {
            throw new IOException(where + ": unknown dtype \"" + dtype + "\"");
        }
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new IOException(where + ": missing or non-array \"shape\"");
        }
        long[] shape = new long[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToExactIntegral() || !d.canConvertToLong() || d.asLong() < 0) {
                throw new IOException(where + ": shape " + shapeNode + " must hold non-negative integers");
            }
            shape[i] = d.asLong();
            try {
                numel = Math.multiplyExact(numel, shape[i]);
            } catch (ArithmeticException e) {
                throw new IOException(where + ": shape " + shapeNode + " overflows", e);
            }
        }
        if (offsetsNode == null || !offsetsNode.isArray() || offsetsNode.size() != 2
                || !offsetsNode.get(0).canConvertToLong() || !offsetsNode.get(1).canConvertToLong()
                || !offsetsNode.get(0).isIntegralNumber() || !offsetsNode.get(1).isIntegralNumber()) {
            throw new IOException(where + ": \"data_offsets\" must be [begin, end], got " + offsetsNode);
        }
        long begin = offsetsNode.get(0).asLong();
        long end = offsetsNode.get(1).asLong();
        if (begin < 0 || end < begin || end > dataLen) {
            throw new IOException(where + ": data_offsets [" + begin + ", " + end
                    + "] out of range (the data section has " + dataLen + " bytes)");
        }
        long expected;
        try {
            expected = Math.multiplyExact(numel, (long) elemSize);
        } catch (ArithmeticException e) {
            throw new IOException(where + ": shape " + shapeNode + " overflows", e);
        }
        if (end - begin != expected) {
            throw new IOException(where + ": shape " + Arrays.toString(shape) + " in " + dtype + " needs "
                    + expected + " bytes but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static void checkDisjoint(Path file, Iterable<Entry> entries) throws IOException {
        List<Entry> byBegin = new ArrayList<>();
        entries.forEach(byBegin::add);
        byBegin.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        for (int i = 1; i < byBegin.size(); i++) {
            Entry prev = byBegin.get(i - 1);
            Entry cur = byBegin.get(i);
            if (cur.begin < prev.end) {
                throw new IOException(file + ": tensors " + prev.name + " [" + prev.begin + ", " + prev.end
                        + ") and " + cur.name + " [" + cur.begin + ", " + cur.end + ") overlap");
            }
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException(file + ": unexpected end of file at byte " + pos);
            }
            pos += n;
        }
    }

    /** The tensor names, sorted. */
    public Set<String> names() {
        return Collections.unmodifiableSet(entries.keySet());
    }

    /** The {@code __metadata__} strings (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The file this reader maps. */
    public Path file() {
        return file;
    }

    /**
     * Maps the tensor's bytes. Unknown names and dtypes other than F32/F16/BF16 are IllegalArgumentExceptions
     * naming the tensor, its dtype and the file; an I/O failure while mapping is an UncheckedIOException.
     */
    public HostTensor get(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException(file + ": no tensor named " + name);
        }
        DType dtype;
        try {
            dtype = DType.fromSafetensors(e.dtype);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(file + ": tensor " + name + ": " + ex.getMessage(), ex);
        }
        long chunk = maxRegion / dtype.byteSize() * dtype.byteSize();
        List<ByteBuffer> regions = new ArrayList<>();
        try {
            for (long off = e.begin; off < e.end || regions.isEmpty(); off += chunk) {
                long len = Math.min(chunk, e.end - off);
                regions.add(channel.map(FileChannel.MapMode.READ_ONLY, dataStart + off, len));
            }
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(file + ": tensor " + name + ": cannot map its bytes", ex);
        }
        return HostTensor.ofBytes(name, dtype, e.shape, regions.toArray(ByteBuffer[]::new));
    }

    /** The dtype string in the header, including ones {@link #get} rejects. */
    public String storedDtype(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException(file + ": no tensor named " + name);
        }
        return e.dtype;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
