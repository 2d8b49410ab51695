package org.prime4j.orchestrator.data;

/** What a malformed dataset line does. */
public enum BadLinePolicy {
    /** Check the whole file, report every bad line (file:line and field), and stop before training. */
    FAIL,
    /** Warn once per bad line and train on the good ones. */
    SKIP
}
