package io.jpatroni.core.postgres;

/** A PostgreSQL control operation failed (process, SQL or file level). */
public class PostgresException extends Exception {
    public PostgresException(String message) {
        super(message);
    }

    public PostgresException(String message, Throwable cause) {
        super(message, cause);
    }
}
