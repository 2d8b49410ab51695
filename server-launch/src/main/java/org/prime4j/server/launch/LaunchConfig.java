package org.prime4j.server.launch;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A launch file: the vLLM servers to start together. */
public record LaunchConfig(List<VllmServerConfig> servers) {
    public LaunchConfig {
        if (servers == null || servers.isEmpty()) {
            throw new IllegalArgumentException("servers must list at least one server");
        }
        servers = List.copyOf(servers);
        Set<String> names = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        for (VllmServerConfig s : servers) {
            if (!names.add(s.name())) {
                throw new IllegalArgumentException("two servers are named '" + s.name() + "'");
            }
            if (!addresses.add(s.host() + ":" + s.port())) {
                throw new IllegalArgumentException("two servers listen on " + s.host() + ":" + s.port());
            }
        }
    }

    /** Every server with runtime LoRA on (see {@link VllmServerConfig#withLora}). */
    public LaunchConfig withLora(int rank, int loras) {
        return new LaunchConfig(servers.stream().map(s -> s.withLora(rank, loras)).toList());
    }
}
