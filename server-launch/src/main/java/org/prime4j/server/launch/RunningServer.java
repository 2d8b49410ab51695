package org.prime4j.server.launch;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A vLLM process prime4j started. {@link #close()} stops it and everything it spawned (vLLM runs its
 * engine in child processes): SIGTERM first, SIGKILL for whatever is left after the grace period.
 */
public final class RunningServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunningServer.class);

    private final String name;
    private final Process process;
    private final URI baseUrl;
    private final Path logFile;
    private final Duration grace;

    RunningServer(String name, Process process, URI baseUrl, Path logFile, Duration grace) {
        this.name = name;
        this.process = process;
        this.baseUrl = baseUrl;
        this.logFile = logFile;
        this.grace = grace;
    }

    public String name() {
        return name;
    }

    /** {@code http://host:port}, without {@code /v1}. */
    public URI baseUrl() {
        return baseUrl;
    }

    public Path logFile() {
        return logFile;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The process and its descendants still running, for tests and diagnostics. */
    public List<ProcessHandle> processTree() {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        process.toHandle().descendants().forEach(tree::add);
        return tree.stream().filter(ProcessHandle::isAlive).toList();
    }

    /** Exit code once the process has ended. */
    public int exitValue() {
        return process.exitValue();
    }

    /** Idempotent. SIGTERM to the server, then SIGTERM/SIGKILL to anything of its tree still alive. */
    @Override
    public void close() {
        // Take the tree before signalling: once the parent is gone its children are re-parented and lost.
        List<ProcessHandle> tree = processTree();
        if (tree.isEmpty()) {
            ProcessReaper.unregister(this);
            return;
        }
        LOG.info("stopping vLLM server '{}' (pid {})", name, process.pid());
        long deadline = System.nanoTime() + grace.toNanos();
        process.destroy();
        waitFor(process.toHandle(), deadline);
        for (ProcessHandle h : tree) {
            if (h.isAlive()) {
                h.destroy();
            }
        }
        for (ProcessHandle h : tree) {
            waitFor(h, deadline);
        }
        for (ProcessHandle h : tree) {
            if (h.isAlive()) {
                LOG.warn("vLLM server '{}': pid {} ignored SIGTERM for {} s; killing it", name, h.pid(),
                        grace.toSeconds());
                h.destroyForcibly();
            }
        }
        for (ProcessHandle h : tree) {
            waitFor(h, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        }
        ProcessReaper.unregister(this);
    }

    private static void waitFor(ProcessHandle h, long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0 || !h.isAlive()) {
            return;
        }
        try {
            h.onExit().get(left, TimeUnit.NANOSECONDS);
        } catch (Exception e) {
            // still alive at the deadline: the caller escalates
        }
    }

    /** The last {@code n} lines of the log, for error messages. */
    public String logTail(int n) {
        return tail(logFile, n);
    }

    static String tail(Path file, int n) {
        if (!Files.exists(file)) {
            return "(no log at " + file + ")";
        }
        Deque<String> last = new ArrayDeque<>(n);
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            lines.forEach(l -> {
                if (last.size() == n) {
                    last.removeFirst();
                }
                last.addLast(l);
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
        return String.join("\n", last);
    }

    @Override
    public String toString() {
        return "vLLM '" + name + "' at " + baseUrl + " (pid " + process.pid() + ", log " + logFile + ")";
    }
}
