package org.prime4j.orchestrator.sft;

/** A tokenized SFT pair: the loss covers the response ids (which end with the eos) only. */
public record SftExample(int[] promptIds, int[] responseIds) {

    public SftExample {
        if (promptIds.length == 0 || responseIds.length == 0) {
            throw new IllegalArgumentException("SFT examples need a prompt and a response token");
        }
    }

    int[] sequence() {
        int[] s = new int[promptIds.length + responseIds.length];
        System.arraycopy(promptIds, 0, s, 0, promptIds.length);
        System.arraycopy(responseIds, 0, s, promptIds.length, responseIds.length);
        return s;
    }
}
