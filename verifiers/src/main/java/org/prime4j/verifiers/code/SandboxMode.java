package org.prime4j.verifiers.code;

/** Which isolation the code verifier uses; there is deliberately no "none". */
public enum SandboxMode {
    /** bubblewrap when it works here, else unshare + setpriv. */
    AUTO,
    /** bubblewrap only: user, pid, net, ipc, uts and mount namespaces, a minimal read-only root. */
    BWRAP,
    /** util-linux unshare (net, pid, mount) + setpriv down to an unprivileged uid; needs root. */
    UNSHARE
}
