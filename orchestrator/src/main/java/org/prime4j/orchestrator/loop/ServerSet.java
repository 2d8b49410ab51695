package org.prime4j.orchestrator.loop;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.prime4j.client.RolloutClient;
import org.prime4j.client.pool.PoolConfig;
import org.prime4j.orchestrator.config.ServerRole;
import org.prime4j.orchestrator.config.ServersSection;
import org.prime4j.orchestrator.config.TrainConfig;
import org.prime4j.server.EmbeddedServer;
import org.prime4j.server.ServerOptions;
import org.prime4j.server.djl.DjlServingModel;
import org.prime4j.server.launch.LaunchConfig;
import org.prime4j.server.launch.LaunchConfigReader;
import org.prime4j.server.launch.RunningServer;
import org.prime4j.server.launch.VllmLauncher;
import org.prime4j.server.model.ServingModel;

/**
 * The policy and reference servers of a run and the clients that talk to them. Embedded servers run in this
 * process on loopback, each on a free port with its own copy of the model; launched vLLM servers are stopped
 * with the set; remote servers are only connected to. With {@code servers.reference.same_as_policy} (LoRA) the
 * reference client is the policy client: one fleet serves the adapter for rollouts and the base for pi_ref.
 */
public final class ServerSet implements AutoCloseable {

    /** How an embedded server's model is loaded; tests wrap it (a model that records or ignores reloads). */
    @FunctionalInterface
    interface EmbeddedModels {
        ServingModel load(String role, int index, Path dir) throws IOException;
    }

    private static final EmbeddedModels DJL = (role, index, dir) -> DjlServingModel.load(dir, null);

    private final EmbeddedModels loader;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private final List<AutoCloseable> servers = new ArrayList<>();
    private final List<AutoCloseable> models = new ArrayList<>();
    /** The embedded servers by role, in pool order, for tests that stop and restart one. */
    private final Map<String, List<Embedded>> embedded = new HashMap<>();
    private RolloutClient policy;
    private RolloutClient reference;

    private record Embedded(EmbeddedServer server, ServingModel model, Path dir, ServerOptions options) {}

    private ServerSet(EmbeddedModels loader) {
        this.loader = loader;
    }

    public static ServerSet start(TrainConfig config) throws IOException {
        return start(config, DJL);
    }

    static ServerSet start(TrainConfig config, EmbeddedModels loader) throws IOException {
        ServerSet set = new ServerSet(loader);
        try {
            ServersSection s = config.servers();
            int batch = config.rollout().requestBatchSize();
            Integer loraRank = config.lora() ? config.policy().lora().r() : null;
            set.policy = RolloutClient.open(pool("policy", set.urls("policy", s.policy(), config.model().policy(),
                    loraRank), s, s.policy(), batch));
            set.clients.add(set.policy);
            if (s.reference().servedByPolicy()) {
                // One fleet: rollouts name the policy's adapter, reference requests name no model (the base).
                set.reference = set.policy;
                return set;
            }
            set.reference = RolloutClient.open(pool("reference",
                    set.urls("reference", s.reference(), config.model().reference(), null), s, s.reference(), batch));
            set.clients.add(set.reference);
            return set;
        } catch (IOException | RuntimeException e) {
            set.close();
            throw e;
        }
    }

    /**
     * Policy servers only (evaluation): embedded servers serving {@code modelDir}, launched vLLM servers or remote
     * ones, as {@code role} says; {@code pool} carries everything but the base URLs. {@link #reference()} is null.
     */
    public static ServerSet policyOnly(ServerRole role, Path modelDir, PoolConfig.Builder pool) throws IOException {
        ServerSet set = new ServerSet(DJL);
        try {
            set.policy = RolloutClient.open(pool.role("policy").baseUrls(set.urls("policy", role, modelDir, null))
                    .apiKeyEnv(role.apiKeyEnv()).build());
            set.clients.add(set.policy);
            return set;
        } catch (IOException | RuntimeException e) {
            set.close();
            throw e;
        }
    }

    /** {@code loraRank}: launched vLLM servers must accept runtime LoRA adapters up to this rank (null: none). */
    private List<String> urls(String role, ServerRole r, Path modelDir, Integer loraRank) throws IOException {
        switch (r.mode()) {
            case REMOTE:
                return r.baseUrls();
            case LAUNCH: {
                List<String> urls = new ArrayList<>();
                LaunchConfig launch = LaunchConfigReader.read(r.launchConfig());
                // Two adapters resident: the step's new one is loaded before the previous one is unloaded.
                launch = loraRank == null ? launch : launch.withLora(loraRank, 2);
                for (RunningServer server : new VllmLauncher().startAll(launch)) {
                    servers.add(server);
                    urls.add(server.baseUrl().toString());
                }
                return urls;
            }
            default: {
                List<String> urls = new ArrayList<>();
                for (int i = 0; i < r.count(); i++) {
                    ServingModel model;
                    try {
                        model = loader.load(role, i, modelDir);
                    } catch (IOException | RuntimeException e) {
                        throw new IOException("cannot start the embedded " + role + " server on " + modelDir + ": "
                                + e.getMessage(), e);
                    }
                    models.add(model);
                    ServerOptions options = ServerOptions.loopback(role).withMaxBatchSize(r.maxBatchSize())
                            .withLora(loraRank != null);
                    if (loraRank != null && loraRank > options.maxLoraRank()) {
                        options = options.withMaxLoraRank(loraRank);
                    }
                    EmbeddedServer server = EmbeddedServer.start(model, options);
                    servers.add(server);
                    embedded.computeIfAbsent(role, k -> new ArrayList<>()).add(new Embedded(server, model, modelDir,
                            options));
                    urls.add(server.baseUrl().toString());
                }
                return urls;
            }
        }
    }

    private static PoolConfig pool(String role, List<String> urls, ServersSection s, ServerRole r, int batch) {
        return PoolConfig.builder()
                .role(role)
                .baseUrls(urls)
                .apiKeyEnv(r.apiKeyEnv())
                .requestTimeout(seconds(s.requestTimeoutSeconds()))
                .reloadTimeout(seconds(s.reloadTimeoutSeconds()))
                .requestBatchSize(batch)
                .progress(false)
                .build();
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }

    public RolloutClient policy() {
        return policy;
    }

    public RolloutClient reference() {
        return reference;
    }

    /** Stops embedded server {@code index} of {@code role} and frees its model, as a crash would (tests). */
    void stopEmbedded(String role, int index) {
        Embedded e = embedded.get(role).get(index);
        e.server().close();
        e.model().close();
    }

    /**
     * Starts embedded server {@code index} of {@code role} again on its old port, with a fresh model loaded from
     * the directory it first served: a restarted process holds its initial weights, not the run's (tests).
     */
    void restartEmbedded(String role, int index) throws IOException {
        Embedded e = embedded.get(role).get(index);
        ServingModel model = loader.load(role, index, e.dir());
        ServerOptions o = e.options();
        EmbeddedServer server = EmbeddedServer.start(model, o.withPort(e.server().port()));
        embedded.get(role).set(index, new Embedded(server, model, e.dir(), o));
        servers.add(server);
        models.add(model);
    }

    /** Clients first, then servers, then the models they served. */
    @Override
    public void close() {
        for (List<AutoCloseable> group : List.of(clients, servers, models)) {
            for (AutoCloseable c : group) {
                try {
                    c.close();
                } catch (Exception e) {
                    // Closing the rest matters more than one failure on the way out.
                }
            }
            group.clear();
        }
    }
}
