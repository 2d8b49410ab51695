package org.prime4j.verifiers.code;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Unprivileged uids handed to concurrent sandbox runs, one each: RLIMIT_NPROC counts processes per uid, so a
 * fork bomb in one run cannot starve another, and no run can signal or ptrace another's processes.
 */
final class UidPool {

    /** One pool per uid range in the JVM: verifier instances with the same config share their uids. */
    private static final Map<List<Integer>, UidPool> POOLS = new ConcurrentHashMap<>();

    private final BlockingQueue<Integer> free;

    static UidPool forRange(int first, int count) {
        return POOLS.computeIfAbsent(List.of(first, count), k -> new UidPool(first, count));
    }

    private UidPool(int first, int count) {
        free = new ArrayBlockingQueue<>(count);
        for (int i = 0; i < count; i++) {
            free.add(first + i);
        }
    }

    int take() throws InterruptedException {
        return free.take();
    }

    void give(int uid) {
        free.add(uid);
    }
}
