package io.jpatroni.core.ctl;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * {@link SqlRunner} over the PostgreSQL JDBC driver. User, password and database default to
 * {@code PGUSER}/{@code PGPASSWORD}/{@code PGDATABASE} as libpq's would; the application name is
 * {@code Patroni ctl} and the connect timeout 5 s, as patronictl sets them.
 */
final class JdbcSqlRunner implements SqlRunner {

    @Override
    public Optional<Result> run(Target target, String sql) throws Failure {
        String user = target.user().or(() -> env("PGUSER")).orElse(System.getProperty("user.name"));
        String db = target.dbname().or(() -> env("PGDATABASE")).orElse(user);
        String host = target.host().contains(":") && !target.host().startsWith("[") ? "[" + target.host() + "]"
                : target.host();
        String url = "jdbc:postgresql://" + host + ":" + target.port() + "/"
                + URLEncoder.encode(db, StandardCharsets.UTF_8);
        Properties props = new Properties();
        props.setProperty("user", user);
        target.password().or(() -> env("PGPASSWORD")).ifPresent(p -> props.setProperty("password", p));
        props.setProperty("ApplicationName", "Patroni ctl");
        props.setProperty("connectTimeout", "5");
        try (Connection connection = DriverManager.getConnection(url, props);
             Statement statement = connection.createStatement()) {
            if (target.inRecovery().isPresent()) {
                try (ResultSet rs = statement.executeQuery("SELECT pg_catalog.pg_is_in_recovery()")) {
                    boolean recovery = !rs.next() || rs.getBoolean(1);
                    if (recovery != target.inRecovery().get()) {
                        return Optional.empty();
                    }
                }
            }
            List<String> columns = new ArrayList<>();
            List<List<Object>> rows = new ArrayList<>();
            if (statement.execute(sql)) {
                try (ResultSet rs = statement.getResultSet()) {
                    ResultSetMetaData meta = rs.getMetaData();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        columns.add(meta.getColumnLabel(i));
                    }
                    while (rs.next()) {
                        List<Object> row = new ArrayList<>();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            Object value = rs.getObject(i);
                            row.add(value == null || value instanceof Boolean || value instanceof Number ? value
                                    : rs.getString(i));
                        }
                        rows.add(row);
                    }
                }
            }
            return Optional.of(new Result(columns, rows));
        } catch (SQLException e) {
            String state = e.getSQLState();
            boolean connection = state == null || state.startsWith("08");
            throw new Failure((connection ? String.valueOf(e.getMessage()) : state).replace('\n', ' '));
        }
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isEmpty());
    }
}
