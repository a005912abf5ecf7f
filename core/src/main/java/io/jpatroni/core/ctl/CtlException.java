package io.jpatroni.core.ctl;

/** A tool-level error: printed as {@code Error: <message>} on stderr, exit status 1 (patronictl.md §1.4). */
final class CtlException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CtlException(String message) {
        super(message, null, false, false);
    }
}
