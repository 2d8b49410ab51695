package org.prime4j.client;

import java.util.List;

/**
 * The samples of one prompt.
 *
 * @param promptIndex position of the prompt in the batch that was sampled
 * @param seed the seed its request carried
 * @param server the server that produced these samples
 */
public record Rollouts(int promptIndex, int[] promptIds, List<Sample> samples, long seed, String server) {
    public Rollouts {
        samples = List.copyOf(samples);
    }
}
