package io.jpatroni.api.dcs;

/** The store could not be reached within the retry budget; the HA loop treats this differently from a refusal. */
public class DcsException extends Exception {
    public DcsException(String message) {
        super(message);
    }

    public DcsException(String message, Throwable cause) {
        super(message, cause);
    }
}
