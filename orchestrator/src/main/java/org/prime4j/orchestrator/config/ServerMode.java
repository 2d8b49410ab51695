package org.prime4j.orchestrator.config;

/** Where the servers of one role come from. */
public enum ServerMode {
    /** prime4j's embedded vLLM-compatible server, started in process on loopback on a free port. */
    EMBEDDED,
    /** {@code vllm serve} processes started from a launch YAML (see {@code prime4j launch}). */
    LAUNCH,
    /** Servers already running somewhere: base URLs and the name of the API-key variable. */
    REMOTE
}
