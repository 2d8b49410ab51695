package org.prime4j.server.launch;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;
import org.prime4j.server.health.HealthProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts {@code vllm serve} processes and waits until they answer {@code /health}. A process that exits
 * during start-up fails at once, quoting its log; one that is still not healthy at its deadline is stopped
 * and reported the same way. Every server started is stopped when the JVM exits.
 */
public final class VllmLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(VllmLauncher.class);
    private static final int LOG_TAIL_LINES = 30;

    private final UnaryOperator<String> environment;
    private final Duration pollInterval;
    private final Duration stopGrace;
    private final HealthProbe probe = new HealthProbe(Duration.ofSeconds(2));

    /** Reads the API key variables from the process environment; 30 s grace on stop. */
    public VllmLauncher() {
        this(System::getenv, Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    /**
     * @param environment  looks up the API key variables
     * @param pollInterval time between health probes
     * @param stopGrace    how long a server may take to exit after SIGTERM before SIGKILL
     */
    public VllmLauncher(UnaryOperator<String> environment, Duration pollInterval, Duration stopGrace) {
        this.environment = environment;
        this.pollInterval = pollInterval;
        this.stopGrace = stopGrace;
    }

    /** Starts one server and returns once it is healthy. */
    public RunningServer start(VllmServerConfig config) {
        VllmCommandLine cmd = commandLine(config);
        Path log = config.logFile().toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder(cmd.argv()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(cmd.env());
        Process process;
        try {
            Files.createDirectories(log.getParent());
            LOG.info("starting vLLM server '{}': {} (log {})", config.name(), cmd.display(), log);
            process = pb.start();
        } catch (IOException e) {
            throw new LaunchException("server '" + config.name() + "': cannot run " + config.executable() + ": "
                    + e.getMessage() + " (is vLLM installed and on PATH, or is 'executable' right?)", e);
        }
        String host = config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host();
        URI base = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + config.port());
        RunningServer server = new RunningServer(config.name(), process, base, log, stopGrace);
        ProcessReaper.register(server);
        try {
            awaitHealthy(server, config);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        LOG.info("vLLM server '{}' is healthy at {}", config.name(), base);
        return server;
    }

    /** Starts every server of a launch file in parallel; if one fails, stops those that started. */
    public List<RunningServer> startAll(LaunchConfig launch) {
        launch.servers().forEach(this::commandLine); // a missing API key stops everything before anything starts
        List<CompletableFuture<RunningServer>> starting = new ArrayList<>();
        for (VllmServerConfig c : launch.servers()) {
            starting.add(CompletableFuture.supplyAsync(() -> start(c)));
        }
        List<RunningServer> started = new ArrayList<>();
        RuntimeException failure = null;
        for (CompletableFuture<RunningServer> f : starting) {
            try {
                started.add(f.join());
            } catch (CompletionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException re ? re : e;
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            }
        }
        if (failure != null) {
            started.forEach(RunningServer::close);
            throw failure;
        }
        return started;
    }

    private VllmCommandLine commandLine(VllmServerConfig config) {
        try {
            return VllmCommandLine.of(config, environment);
        } catch (IllegalArgumentException e) {
            throw new LaunchException(e.getMessage(), e);
        }
    }

    private void awaitHealthy(RunningServer server, VllmServerConfig config) {
        long deadline = System.nanoTime() + config.startupTimeout().toNanos();
        while (true) {
            if (!server.isAlive()) {
                throw new LaunchException("vLLM server '" + config.name() + "' exited with code "
                        + server.exitValue() + " during start-up. Last lines of " + server.logFile() + ":\n"
                        + server.logTail(LOG_TAIL_LINES));
            }
            if (probe.healthy(server.baseUrl())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new LaunchException("vLLM server '" + config.name() + "' did not answer " + server.baseUrl()
                        + "/health within " + config.startupTimeoutSeconds() + " s; stopped it. Last lines of "
                        + server.logFile() + ":\n" + server.logTail(LOG_TAIL_LINES));
            }
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LaunchException("interrupted while waiting for vLLM server '" + config.name() + "'", e);
            }
        }
    }
}
