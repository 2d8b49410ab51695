package org.prime4j.verifiers.code;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Unprivileged uids handed to concurrent sandbox runs, one each: RLIMIT_NPROC counts processes per uid, so a
 * fork bomb in one run cannot starve another, and no run can signal or ptrace another's processes.
 */
final class UidPool {

    private final BlockingQueue<Integer> free;

    UidPool(int first, int count) {
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
