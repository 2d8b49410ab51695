package org.prime4j.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of damaged file is an IOException whose message names the file (and the tensor). */
class SafetensorsCorruptFileTest {

    @TempDir
    Path tmp;

    /** A file with the given header text and {@code dataBytes} zero bytes of data. */
    private Path file(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = tmp.resolve("bad.safetensors");
        Files.write(f, b.array());
        return f;
    }

    private void assertFails(Path f, String... fragments) {
        var a = assertThatThrownBy(() -> SafetensorsReader.open(f).close()).isInstanceOf(IOException.class)
                .hasMessageContaining(f.toString());
        for (String s : fragments) {
            a.hasMessageContaining(s);
        }
    }

    @Test
    void emptyFile() throws IOException {
        Path f = tmp.resolve("empty.safetensors");
        Files.write(f, new byte[0]);
        assertFails(f, "shorter than the 8-byte header length");
    }

    @Test
    void headerLengthPastEndOfFile() throws IOException {
        Path f = tmp.resolve("bad.safetensors");
        Files.write(f, ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        assertFails(f, "header length 1000 runs past the end of the file (40 bytes)");
    }

    @Test
    void absurdHeaderLength() throws IOException {
        Path f = tmp.resolve("bad.safetensors");
        Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-5).array());
        assertFails(f, "out of range");
    }

    @Test
    void truncatedData() throws IOException {
        Path good = tmp.resolve("good.safetensors");
        SafetensorsWriter.write(good, Map.of("w", HostTensor.ofFloats("w", new long[] {4}, new float[4])),
                DType.F32);
        byte[] bytes = Files.readAllBytes(good);
        Path f = tmp.resolve("truncated.safetensors");
        Files.write(f, Arrays.copyOf(bytes, bytes.length - 3));
        assertFails(f, "tensor w", "out of range");
    }

    @Test
    void malformedHeaderJson() throws IOException {
        assertFails(file("{\"w\": {\"dtype\": \"F32\", ", 0), "malformed header JSON");
        assertFails(file("[1, 2]  ", 0), "not a JSON object");
    }

    @Test
    void duplicateTensorNames() throws IOException {
        String e = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        assertFails(file("{\"w\":" + e + ",\"w\":" + e + "}", 4), "malformed header JSON", "w");
    }

    @Test
    void offsetsOutOfRange() throws IOException {
        assertFails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 8),
                "tensor w", "out of range");
        assertFails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}}", 8),
                "tensor w", "out of range");
        assertFails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8),
                "tensor w", "data_offsets");
    }

    @Test
    void overlappingTensors() throws IOException {
        assertFails(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "a", "b", "overlap");
    }

    @Test
    void shapeDisagreesWithByteSize() throws IOException {
        assertFails(file("{\"w\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[0,8]}}", 8),
                "tensor w", "needs 12 bytes", "span 8");
        assertFails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 8),
                "tensor w", "non-negative");
    }

    @Test
    void missingOrUnknownDtype() throws IOException {
        assertFails(file("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor w", "dtype");
        assertFails(file("{\"w\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor w",
                "Q4");
    }

    @Test
    void unsupportedDtypeFailsOnGetNamingTensorAndDtype() throws IOException {
        Path f = file("{\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12);
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            assertThat(r.names()).containsExactly("ids", "w");
            assertThat(r.storedDtype("ids")).isEqualTo("I64");
            assertThat(r.get("w").toFloatArray()).containsExactly(0f);
            assertThatThrownBy(() -> r.get("ids")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(f.toString()).hasMessageContaining("tensor ids")
                    .hasMessageContaining("I64");
            assertThatThrownBy(() -> r.get("nope")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no tensor named nope");
        }
    }

    @Test
    void badMetadata() throws IOException {
        assertFails(file("{\"__metadata__\":{\"format\":1}}", 0), "__metadata__.format");
    }
}
