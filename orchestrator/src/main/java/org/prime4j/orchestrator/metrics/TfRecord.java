package org.prime4j.orchestrator.metrics;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * TFRecord framing, the container of TensorBoard event files: per record a little-endian uint64 length, the
 * masked CRC32C of those 8 bytes, the data, the masked CRC32C of the data.
 */
public final class TfRecord {

    private static final int MASK_DELTA = 0xa282ead8;

    private TfRecord() {}

    /** TensorFlow's masked CRC32C: rotate right by 15 bits, add a constant. */
    static int maskedCrc32c(byte[] b, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(b, off, len);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }

    /** One record: header, data, footer. */
    public static byte[] frame(byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 + data.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(data.length);
        b.putInt(maskedCrc32c(b.array(), 0, 8));
        b.put(data);
        b.putInt(maskedCrc32c(data, 0, data.length));
        return b.array();
    }

    /** Concatenated records. */
    public static byte[] frameAll(List<byte[]> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] r : records) {
            out.writeBytes(frame(r));
        }
        return out.toByteArray();
    }

    /**
     * The records of a file, both CRCs checked. A torn last record (the process died mid-write) ends the list
     * when {@code tolerateTornTail}, otherwise it is an error.
     */
    public static List<byte[]> unframe(byte[] file, boolean tolerateTornTail) throws IOException {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            int start = b.position();
            if (b.remaining() < 12) {
                return torn(out, tolerateTornTail, start);
            }
            long len = b.getLong();
            int headerCrc = b.getInt();
            if (headerCrc != maskedCrc32c(file, start, 8)) {
                throw new IOException("TFRecord at byte " + start + ": length CRC mismatch");
            }
            if (len < 0 || len > b.remaining() - 4L) {
                return torn(out, tolerateTornTail, start);
            }
            byte[] data = new byte[(int) len];
            b.get(data);
            if (b.getInt() != maskedCrc32c(data, 0, data.length)) {
                throw new IOException("TFRecord at byte " + start + ": data CRC mismatch");
            }
            out.add(data);
        }
        return out;
    }

    private static List<byte[]> torn(List<byte[]> read, boolean tolerate, int at) throws IOException {
        if (tolerate) {
            return read;
        }
        throw new EOFException("TFRecord at byte " + at + " is cut short");
    }
}
