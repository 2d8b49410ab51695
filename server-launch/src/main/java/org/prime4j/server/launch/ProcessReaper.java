package org.prime4j.server.launch;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stops every server prime4j started when the JVM exits, on Ctrl-C included (a JVM shutdown hook), so no
 * vLLM keeps holding a GPU after prime4j is gone.
 */
final class ProcessReaper {

    private static final Set<RunningServer> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessReaper::stopAll, "prime4j-vllm-reaper"));
    }

    private ProcessReaper() {}

    static void register(RunningServer server) {
        LIVE.add(server);
    }

    static void unregister(RunningServer server) {
        LIVE.remove(server);
    }

    /** Stops all registered servers in parallel (each with SIGTERM, then SIGKILL after its grace period). */
    static void stopAll() {
        List<Thread> stoppers = new ArrayList<>();
        for (RunningServer s : List.copyOf(LIVE)) {
            Thread t = new Thread(s::close, "prime4j-stop-" + s.name());
            t.start();
            stoppers.add(t);
        }
        for (Thread t : stoppers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
