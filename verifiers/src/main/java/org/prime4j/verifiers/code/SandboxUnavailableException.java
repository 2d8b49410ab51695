package org.prime4j.verifiers.code;

/** Neither bubblewrap nor unshare + setpriv isolates a program on this machine: the verifier refuses to run. */
public final class SandboxUnavailableException extends Exception {

    public SandboxUnavailableException(String message) {
        super(message);
    }
}
