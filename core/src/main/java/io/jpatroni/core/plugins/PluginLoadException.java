package io.jpatroni.core.plugins;

/** A plugin could not be loaded: unreadable zip, bad descriptor, or built for another jpatroni version. */
public class PluginLoadException extends Exception {
    public PluginLoadException(String message) {
        super(message);
    }

    public PluginLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
