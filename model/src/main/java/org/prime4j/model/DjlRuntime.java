package org.prime4j.model;

import ai.djl.engine.Engine;

/**
 * Keeps DJL offline. Every entry point (CLI, server, tests) calls {@link #offline()} before touching an
 * NDArray: without these settings DJL probes a cloud metadata address for usage tracking and may try to
 * download natives, and prime4j must never reach for the network at run time (the PyTorch natives come
 * from the {@code pytorch-native-cpu} jar on the classpath).
 */
public final class DjlRuntime {

    private DjlRuntime() {}

    /** Idempotent; safe to call from any thread before the first engine use. */
    public static void offline() {
        System.setProperty("ai.djl.offline", "true");
        // DJL reads OPT_OUT_TRACKING from the environment or, failing that, from system properties.
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("DJL_DISABLE_PROGRESS_BAR", "true");
    }

    /** The PyTorch engine, offline. Fails with a clear message when the natives are not on the classpath. */
    public static Engine pytorch() {
        offline();
        Engine engine = Engine.getEngine("PyTorch");
        if (engine == null) {
            throw new IllegalStateException(
                    "DJL's PyTorch engine is not on the classpath (need ai.djl.pytorch:pytorch-engine, "
                            + "pytorch-jni and pytorch-native-cpu)");
        }
        return engine;
    }
}
