package org.prime4j.server.launch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A separate JVM for {@link ShutdownHookTest}: starts one fake vLLM server, says so, then waits to be
 * interrupted (SIGTERM, as Ctrl-C's SIGINT) or exits by itself, leaving the cleanup to the shutdown hook.
 * Arguments: executable, port, work dir, "wait" | "exit".
 */
public final class LaunchThenWait {

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[2]);
        VllmServerConfig c = new VllmServerConfig("hooked", "/models/tiny", null, Integer.parseInt(args[1]), null,
                null, null, null, null, null, null, null, null, null, null, null, args[0],
                work.resolve("hooked.log"), 30, null, Map.of("FAKE_VLLM_MODE", "healthy", "FAKE_VLLM_DIR",
                        work.toString()));
        new VllmLauncher(k -> null, Duration.ofMillis(100), Duration.ofSeconds(5)).start(c);
        System.out.println("started");
        System.out.flush();
        if (args[3].equals("wait")) {
            Thread.sleep(Long.MAX_VALUE);
        }
        System.exit(0);
    }
}
