package org.prime4j.orchestrator.data;

/**
 * Where a run is in its data: the epoch and the position within that epoch's order. With the seed it fixes
 * every prompt still to come, so a checkpoint stores just this.
 */
public record DataCursor(long epoch, int position) {
    public DataCursor {
        if (epoch < 0 || position < 0) {
            throw new IllegalArgumentException("data cursor must be non-negative, got epoch " + epoch
                    + " position " + position);
        }
    }

    public static final DataCursor START = new DataCursor(0, 0);
}
