package org.prime4j.verifiers.code;

/**
 * What came back from one sandboxed process.
 *
 * @param stdout   everything the process wrote to its stdout
 * @param killed   the wall-clock limit ran out and the sandbox was killed
 * @param exitCode the exit status (meaningless when killed)
 */
public record SandboxRun(byte[] stdout, boolean killed, int exitCode) {
}
