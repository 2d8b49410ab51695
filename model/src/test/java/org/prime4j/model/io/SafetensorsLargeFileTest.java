package org.prime4j.model.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sparse file just over 2 GiB (only a few pages are really written): one tensor larger than a
 * ByteBuffer can address and one that starts past the 2 GiB mark.
 */
class SafetensorsLargeFileTest {

    @TempDir
    Path tmp;

    @Test
    void tensorsPastAndAcrossTheTwoGibMarkAreMappedInPieces() throws IOException {
        long bigElems = (1L << 29) + 2; // 2 GiB + 8 bytes of F32
        long bigBytes = bigElems * 4;
        String header = "{\"big\":{\"dtype\":\"F32\",\"shape\":[" + bigElems + "],\"data_offsets\":[0," + bigBytes
                + "]},\"tail\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[" + bigBytes + ","
                + (bigBytes + 8) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        long dataStart = 8 + padded;
        Path file = tmp.resolve("sparse.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(dataStart + bigBytes + 8);
            FileChannel ch = raf.getChannel();
            ByteBuffer head = ByteBuffer.allocate((int) dataStart).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(h);
            while (head.hasRemaining()) {
                head.put((byte) ' ');
            }
            ch.write(head.flip(), 0);
            // the last three elements of "big" straddle nothing special; the first is at offset 0
            ByteBuffer last = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f)
                    .putFloat(7f);
            ch.write(last.flip(), dataStart + bigBytes - 12);
            ByteBuffer first = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(42f);
            ch.write(first.flip(), dataStart);
            ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : new float[] {1f, 2f, -3f, 0.5f}) {
                tail.putShort(HalfFloats.floatToBf16(f));
            }
            ch.write(tail.flip(), dataStart + bigBytes);
        }
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            HostTensor tail = r.get("tail");
            assertThat(tail.toFloatArray()).containsExactly(1f, 2f, -3f, 0.5f);
            HostTensor big = r.get("big");
            assertThat(big.numel()).isEqualTo(bigElems);
            assertThat(big.storedRegions()).hasSize(2);
            float[] end = new float[4];
            big.readFloats(bigElems - 4, end, 0, 4);
            assertThat(end).containsExactly(0f, 1.5f, -2f, 7f);
            float[] start = new float[2];
            big.readFloats(0, start, 0, 2);
            assertThat(start).containsExactly(42f, 0f);
        }
    }
}
