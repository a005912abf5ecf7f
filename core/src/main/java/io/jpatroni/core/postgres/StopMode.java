package io.jpatroni.core.postgres;

/** PostgreSQL shutdown modes and the signal each one sends to the postmaster. */
public enum StopMode {
    SMART("TERM"), FAST("INT"), IMMEDIATE("QUIT");

    private final String signal;

    StopMode(String signal) {
        this.signal = signal;
    }

    /** Signal name as {@code kill -s} takes it. */
    public String signal() {
        return signal;
    }
}
