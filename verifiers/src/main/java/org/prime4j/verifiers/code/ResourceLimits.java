package org.prime4j.verifiers.code;

/**
 * The rlimits the sandboxed interpreter sets on itself before the untrusted program runs (they are inherited
 * and can only be lowered), and the size of its working directory. CPU seconds follow from the verifier's time
 * limit.
 *
 * @param addressSpaceBytes RLIMIT_AS: caps allocations (a 16 GiB bytearray fails with MemoryError)
 * @param processes         RLIMIT_NPROC: caps a fork bomb; enforced because the sandbox uid is not root
 * @param fileBytes         RLIMIT_FSIZE: caps every file the program writes, its captured stdout included
 * @param openFiles         RLIMIT_NOFILE
 * @param workDirBytes      size of the working directory, a tmpfs: caps what all files together may take
 */
public record ResourceLimits(long addressSpaceBytes, int processes, long fileBytes, int openFiles,
                             long workDirBytes) {

    public ResourceLimits {
        if (addressSpaceBytes < (256L << 20)) {
            throw new IllegalArgumentException("addressSpaceBytes must be >= 256 MiB (python needs it), got "
                    + addressSpaceBytes);
        }
        if (processes < 4) {
            throw new IllegalArgumentException("processes must be >= 4 (the sandbox itself needs some), got "
                    + processes);
        }
        if (fileBytes < (1L << 20)) {
            throw new IllegalArgumentException("fileBytes must be >= 1 MiB, got " + fileBytes);
        }
        if (openFiles < 16) {
            throw new IllegalArgumentException("openFiles must be >= 16, got " + openFiles);
        }
        if (workDirBytes < (1L << 20)) {
            throw new IllegalArgumentException("workDirBytes must be >= 1 MiB, got " + workDirBytes);
        }
    }

    /** 2 GiB of address space, 32 processes, 64 MiB per file, 64 open files, a 128 MiB working directory. */
    public static ResourceLimits defaults() {
        return new ResourceLimits(2L << 30, 32, 64L << 20, 64, 128L << 20);
    }
}
