package org.prime4j.client.protocol;

import java.util.Arrays;

/** A growable float array (see {@link IntList}). */
final class FloatList {
    private float[] data = new float[16];
    private int size;

    void add(float v) {
        if (size == data.length) {
            data = Arrays.copyOf(data, size * 2);
        }
        data[size++] = v;
    }

    float get(int i) {
        return data[i];
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    float[] toArray() {
        return Arrays.copyOf(data, size);
    }
}
