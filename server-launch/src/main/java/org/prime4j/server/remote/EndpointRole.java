package org.prime4j.server.remote;

/** What the orchestrator uses a server for: sampling rollouts, or scoring with the frozen reference. */
public enum EndpointRole {
    POLICY,
    REFERENCE
}
