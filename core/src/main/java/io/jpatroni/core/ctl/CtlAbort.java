package io.jpatroni.core.ctl;

/** End of input (or Ctrl-C) at a prompt: {@code Aborted!}, exit status 1. */
final class CtlAbort extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CtlAbort() {
        super("Aborted!", null, false, false);
    }
}
