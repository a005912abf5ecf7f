package io.jpatroni.core.tls;

/**
 * Key material that cannot be used, with a message that names the YAML key, the file and the fix
 * (reported at start and by {@code --validate-config}).
 */
public final class TlsException extends Exception {

    private final String key;

    public TlsException(String key, String message) {
        super(message);
        this.key = key;
    }

    public TlsException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** The YAML path of the offending setting, e.g. {@code restapi.keyfile}. */
    public String key() {
        return key;
    }
}
