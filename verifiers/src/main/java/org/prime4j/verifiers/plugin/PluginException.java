package org.prime4j.verifiers.plugin;

/** A plugin jar that cannot be used; the message names the jar and what is wrong with it. */
public final class PluginException extends RuntimeException {

    public PluginException(String message) {
        super(message);
    }

    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
