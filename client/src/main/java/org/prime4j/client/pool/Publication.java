package org.prime4j.client.pool;

import java.util.Objects;

/**
 * State that every server of a pool must hold before it serves (the policy's weights; a LoRA adapter): how to
 * put it on one server and how to check that the server really holds it. The pool remembers the newest
 * publication of each {@code key}, so a server that comes back after a failure or a restart is brought up to
 * date before it serves again.
 *
 * @param key what is published ("weights", "lora:math"); a newer publication of a key replaces the older one
 * @param version which state of the key (for weights: the checkpoint path); a server holds a version only
 *     after {@code apply} and {@code probe} both succeeded on it
 * @param apply puts the state on one server (retried on that same server)
 * @param probe null when the server's answer matches the state, else what differs; null when nothing is checked
 */
public record Publication(String key, String version, ServerCall<?> apply, ServerCall<String> probe) {

    public Publication {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(apply, "apply");
    }
}
