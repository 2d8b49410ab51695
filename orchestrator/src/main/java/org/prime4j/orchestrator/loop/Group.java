package org.prime4j.orchestrator.loop;

import java.util.List;
import org.prime4j.client.Rollouts;
import org.prime4j.client.Sample;
import org.prime4j.orchestrator.data.PromptItem;

/**
 * A prompt with its K sampled responses and their outcome scores: the unit of PRIME's filter and of RLOO.
 *
 * @param item     the prompt as read from the data
 * @param rollouts its token ids and the K samples, in the order the server returned them
 * @param scores   the verifier's score of each sample, in the same order
 */
record Group(PromptItem item, Rollouts rollouts, double[] scores) {

    Group {
        if (scores.length != rollouts.samples().size()) {
            throw new IllegalArgumentException(item.source() + ": " + scores.length + " scores for "
                    + rollouts.samples().size() + " samples");
        }
    }

    List<Sample> samples() {
        return rollouts.samples();
    }
}
