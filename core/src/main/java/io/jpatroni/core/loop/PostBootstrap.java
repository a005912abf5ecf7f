package io.jpatroni.core.loop;

import io.jpatroni.core.config.PatroniConfig;
import io.jpatroni.core.postgres.PgPass;
import io.jpatroni.core.postgres.PostgresException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code bootstrap.post_bootstrap} with a superuser connection string as its one argument (ha-loop.md §3.6).
 * The script gets the daemon's environment without {@code PATRONI_*} (where the REST, DCS and
 * PostgreSQL passwords may be set) and reaches the superuser's password through the pgpass file, as
 * libpq reads it: never on a command line, never in the environment.
 */
final class PostBootstrap {

    private PostBootstrap() {
    }

    static void run(String command, PatroniConfig config) throws PostgresException {
        run(command, config, System.getenv());
    }

    static void run(String command, PatroniConfig config, Map<String, String> daemonEnvironment) throws PostgresException {
        var pg = config.postgresql();
        String conn = "dbname=" + pg.database() + " user=" + pg.superuser().username() + " host=" + pg.localHost()
                + " port=" + pg.port();
        List<String> argv = new ArrayList<>(ShellWords.split(command));
        argv.add(conn);
        ProcessBuilder builder = new ProcessBuilder(argv).inheritIO();
        builder.environment().clear();
        builder.environment().putAll(scriptEnvironment(daemonEnvironment));
        builder.environment().put("PGOPTIONS", "-c synchronous_commit=local -c statement_timeout=0");
        if (pg.superuser().password().isPresent()) {
            try {
                PgPass.write(pg.pgpass(), List.of(new PgPass.Entry(pg.localHost(), pg.port(), null,
                        pg.superuser().username(), pg.superuser().password().get())));
            } catch (IOException e) {
                throw new PostgresException("could not write pgpass for post_bootstrap: " + e.getMessage(), e);
            }
            builder.environment().put("PGPASSFILE", pg.pgpass().toAbsolutePath().toString());
        }
        try {
            int exit = builder.start().waitFor();
            if (exit != 0) {
                throw new PostgresException("post_bootstrap script " + argv.get(0) + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new PostgresException("could not run post_bootstrap " + argv.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PostgresException("interrupted while running post_bootstrap");
        }
    }

    /** The daemon's environment minus what configures (and may hold the secrets of) the daemon itself. */
    static Map<String, String> scriptEnvironment(Map<String, String> daemonEnvironment) {
        Map<String, String> env = new java.util.HashMap<>(daemonEnvironment);
        env.keySet().removeIf(k -> k.startsWith("PATRONI_") || k.equals("PGPASSWORD") || k.equals("NOTIFY_SOCKET"));
        return env;
    }
}
