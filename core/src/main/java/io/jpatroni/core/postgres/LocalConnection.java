package io.jpatroni.core.postgres;

import java.sql.Connection;
import java.sql.SQLException;

/** One cached superuser connection to the local PostgreSQL, used by one caller at a time. */
final class LocalConnection implements AutoCloseable {

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    private final Connector connector;
    private Connection connection;

    LocalConnection(Connector connector) {
        this.connector = connector;
    }

    /** Runs {@code work}; reconnects once when the connection was lost (not on SQL errors or timeouts). */
    synchronized <T> T run(String what, SqlWork<T> work) throws PostgresException {
        SQLException first = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                return work.run(open());
            } catch (SQLException e) {
                first = first == null ? e : first;
                drop();
                String state = e.getSQLState();
                if (state == null || !(state.startsWith("08") || state.startsWith("57P"))) {
                    break;
                }
            }
        }
        throw new PostgresException(what + " failed: " + first.getMessage(), first);
    }

    private Connection open() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = connector.connect();
            connection.setAutoCommit(true);
        }
        return connection;
    }

    private void drop() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    @Override
    public synchronized void close() {
        drop();
    }
}
