package org.prime4j.model.nn;

import java.util.List;

/**
 * Token sequences of unequal length in one rectangular batch, LEFT padded: row {@code i} holds its tokens in
 * columns {@code width - length(i) .. width - 1}. Positions restart at 0 on each row's first real token, so a
 * sequence gets the same rotary positions (and therefore the same logits) whatever else shares its batch;
 * docs/design.md "Padding" records that PPO collapsed without this.
 *
 * @param ids       row-major (rows x width) token ids, {@code padId} in padding columns
 * @param mask      row-major 1 for real tokens, 0 for padding
 * @param positions row-major rotary positions (0 in padding columns, never attended to)
 * @param lengths   real tokens per row
 */
public record PaddedBatch(int rows, int width, long[] ids, int[] mask, int[] positions, int[] lengths) {

    public PaddedBatch {
        if (rows <= 0 || width <= 0) {
            throw new IllegalArgumentException("batch must be non-empty, got " + rows + " x " + width);
        }
        int n = rows * width;
        if (ids.length != n || mask.length != n || positions.length != n || lengths.length != rows) {
            throw new IllegalArgumentException("batch arrays do not match " + rows + " x " + width);
        }
    }

    /** Left-pads {@code sequences} to the longest one. Every sequence needs at least one token. */
    public static PaddedBatch leftPad(List<int[]> sequences, int padId) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("no sequences to batch");
        }
        int rows = sequences.size();
        int width = 0;
        for (int i = 0; i < rows; i++) {
            int[] s = sequences.get(i);
            if (s == null || s.length == 0) {
                throw new IllegalArgumentException("sequence " + i + " is empty");
            }
            width = Math.max(width, s.length);
        }
        long[] ids = new long[rows * width];
        int[] mask = new int[rows * width];
        int[] positions = new int[rows * width];
        int[] lengths = new int[rows];
        for (int i = 0; i < rows; i++) {
            int[] s = sequences.get(i);
            int start = width - s.length;
            lengths[i] = s.length;
            for (int j = 0; j < width; j++) {
                int at = i * width + j;
                if (j < start) {
                    ids[at] = padId;
                } else {
                    ids[at] = s[j - start];
                    mask[at] = 1;
                    positions[at] = j - start;
                }
            }
        }
        return new PaddedBatch(rows, width, ids, mask, positions, lengths);
    }

    /** First real column of row {@code row}. */
    public int start(int row) {
        return width - lengths[row];
    }

    /**
     * Where the log-prob of token {@code index} (0-based within the row's own sequence, index >= 1) sits in the
     * (rows, width - 1) output of {@link org.prime4j.model.score.TokenLogprobs#compute}: column
     * {@code start(row) + index - 1}. A response of n tokens at the end of a row occupies the last n columns.
     */
    public int logprobColumn(int row, int index) {
        if (index < 1 || index >= lengths[row]) {
            throw new IndexOutOfBoundsException("token " + index + " of row " + row + " (length " + lengths[row]
                    + ") has no log-prob");
        }
        return start(row) + index - 1;
    }
}
