package org.prime4j.model.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SafetensorsRoundTripTest {

    @TempDir
    Path tmp;

    private static Map<String, HostTensor> sample() {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        m.put("z.last", HostTensor.ofFloats("z.last", new long[] {7, 3}, Fixtures.floats(21, 1)));
        m.put("a.first", HostTensor.ofFloats("a.first", new long[] {5}, Fixtures.floats(5, 2)));
        m.put("m.scalar", HostTensor.ofFloats("m.scalar", new long[] {}, new float[] {-1.5f}));
        m.put("m.empty", HostTensor.ofFloats("m.empty", new long[] {0, 8}, new float[0]));
        return m;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void roundTripIsBitExactInTheStoredDtype(DType dtype) throws IOException {
        Path file = tmp.resolve("m.safetensors");
        SafetensorsWriter.write(file, sample(), dtype);
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertThat(r.names()).containsExactly("a.first", "m.empty", "m.scalar", "z.last");
            assertThat(r.metadata()).containsExactlyEntriesOf(Map.of("format", "pt"));
            for (HostTensor expected : sample().values()) {
                HostTensor t = r.get(expected.name());
                assertThat(t.dtype()).isEqualTo(dtype);
                assertThat(t.shape()).containsExactly(expected.shape());
                float[] want = expected.toFloatArray();
                float[] got = t.toFloatArray();
                assertThat(got).hasSize(want.length);
                for (int i = 0; i < want.length; i++) {
                    int wantBits = switch (dtype) {
                        case F32 -> Float.floatToRawIntBits(want[i]);
                        case BF16 -> Float.floatToRawIntBits(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(want[i])));
                        case F16 -> Float.floatToRawIntBits(HalfFloats.f16ToFloat(HalfFloats.floatToF16(want[i])));
                    };
                    assertThat(Float.floatToRawIntBits(got[i])).as("%s[%d]", t.name(), i).isEqualTo(wantBits);
                }
            }
            // a second write of what was read copies the stored bytes unchanged
            Path copy = tmp.resolve("copy.safetensors");
            Map<String, HostTensor> read = new LinkedHashMap<>();
            for (String n : r.names()) {
                read.put(n, r.get(n));
            }
            SafetensorsWriter.write(copy, read, dtype);
            assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(file));
        }
    }

    @Test
    void headerIsPaddedToEightBytesAndDataFollowsInNameOrder() throws IOException {
        Path file = tmp.resolve("m.safetensors");
        SafetensorsWriter.write(file, sample(), DType.F32);
        byte[] bytes = Files.readAllBytes(file);
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLen % 8).isZero();
        String header = new String(bytes, 8, (int) headerLen, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"__metadata__\":{\"format\":\"pt\"}");
        assertThat(header.indexOf("a.first")).isLessThan(header.indexOf("m.empty"));
        assertThat(header.indexOf("m.scalar")).isLessThan(header.indexOf("z.last"));
        assertThat(bytes.length).isEqualTo(8 + headerLen + 4L * (5 + 0 + 1 + 21));
        // a.first is first in the data section
        float first = ByteBuffer.wrap(bytes, (int) (8 + headerLen), 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
        assertThat(first).isEqualTo(Fixtures.floats(5, 2)[0]);
    }

    @Test
    void readsAFileWrittenByTorchAndForeignHeaderCode() throws IOException {
        try (SafetensorsReader r = SafetensorsReader.open(Fixtures.resource("torch_written.safetensors"))) {
            assertThat(r.metadata()).containsEntry("format", "pt").containsEntry("note",
                    "written by gen_io_fixtures.py");
            assertThat(r.names()).containsExactly("empty", "layer.weight_bf16", "layer.weight_f16",
                    "layer.weight_f32", "scalar", "vec_bf16");
            float[] expected = new float[15];
            for (int i = 0; i < 15; i++) {
                expected[i] = (i - 7) / 4f; // exact in all three dtypes
            }
            for (String n : new String[] {"layer.weight_f32", "layer.weight_f16", "layer.weight_bf16"}) {
                HostTensor t = r.get(n);
                assertThat(t.shape()).containsExactly(3, 5);
                assertThat(t.toFloatArray()).as(n).containsExactly(expected);
            }
            assertThat(r.get("layer.weight_f16").dtype()).isEqualTo(DType.F16);
            assertThat(r.get("layer.weight_bf16").dtype()).isEqualTo(DType.BF16);
            assertThat(r.get("scalar").shape()).isEmpty();
            assertThat(r.get("scalar").toFloatArray()).containsExactly(3.25f);
            assertThat(r.get("empty").shape()).containsExactly(0, 4);
            assertThat(r.get("empty").toFloatArray()).isEmpty();
            // 1e-3 in BF16 is 0x3A83 = 0.00100326538..., 65504 in BF16 rounds to 65536
            assertThat(r.get("vec_bf16").toFloatArray()).containsExactly(1.0f, -2.5f,
                    Float.intBitsToFloat(0x3A830000), 65536f);
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void tensorsSplitAcrossSeveralMappedRegionsReadTheSame(DType dtype) throws IOException {
        Path file = tmp.resolve("m.safetensors");
        float[] data = Fixtures.floats(10_007, 3);
        SafetensorsWriter.write(file, Map.of("w", HostTensor.ofFloats("w", new long[] {10_007}, data)), dtype);
        float[] whole;
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            whole = r.get("w").toFloatArray();
        }
        // 1000-byte regions: the tensor is split into many pieces, none cutting an element
        try (SafetensorsReader r = SafetensorsReader.open(file, 1000)) {
            HostTensor t = r.get("w");
            assertThat(t.storedRegions()).hasSizeGreaterThan(10);
            assertThat(t.toFloatArray()).containsExactly(whole);
            float[] window = new float[777];
            t.readFloats(4321, window, 0, 777);
            for (int i = 0; i < 777; i++) {
                assertThat(window[i]).isEqualTo(whole[4321 + i]);
            }
            // and a chunked tensor is written back bit for bit
            Path copy = tmp.resolve("copy.safetensors");
            SafetensorsWriter.write(copy, Map.of("w", t), dtype);
            assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(file));
        }
    }

    @Test
    void convertsBetweenDtypesOnWrite() throws IOException {
        Path f32 = tmp.resolve("f32.safetensors");
        Path bf16 = tmp.resolve("bf16.safetensors");
        float[] data = Fixtures.floats(300, 4);
        SafetensorsWriter.write(f32, Map.of("w", HostTensor.ofFloats("w", new long[] {300}, data)), DType.F32);
        try (SafetensorsReader r = SafetensorsReader.open(f32)) {
            SafetensorsWriter.write(bf16, Map.of("w", r.get("w")), DType.BF16);
        }
        try (SafetensorsReader r = SafetensorsReader.open(bf16)) {
            short[] bits = Fixtures.halfBits(r.get("w"));
            for (int i = 0; i < data.length; i++) {
                assertThat(bits[i]).isEqualTo(HalfFloats.floatToBf16(data[i]));
            }
        }
    }

    @Test
    void ofFloatsRejectsAShapeThatDisagreesWithTheData() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> HostTensor.ofFloats("w", new long[] {2, 3}, new float[5]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("w")
                .hasMessageContaining("6 elements");
    }
}
