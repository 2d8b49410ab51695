package org.prime4j.model.io;

import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** Test helpers shared by the IO tests. */
final class Fixtures {

    private Fixtures() {}

    /** A committed fixture under src/test/resources/io (made by src/test/python/gen_io_fixtures.py). */
    static Path resource(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/io/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource io/" + name, e);
        }
    }

    /** The stored 16-bit patterns of an F16/BF16 tensor. */
    static short[] halfBits(HostTensor t) {
        short[] out = new short[(int) t.numel()];
        int i = 0;
        for (ByteBuffer region : t.storedRegions()) {
            var s = region.asShortBuffer();
            while (s.hasRemaining()) {
                out[i++] = s.get();
            }
        }
        return out;
    }

    /** Deterministic floats with a spread of magnitudes, signs and a few specials. */
    static float[] floats(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 5));
        }
        if (n > 4) {
            out[0] = Float.POSITIVE_INFINITY;
            out[1] = -0.0f;
            out[2] = Float.MIN_VALUE;
            out[3] = 65504f;
        }
        return out;
    }
}
