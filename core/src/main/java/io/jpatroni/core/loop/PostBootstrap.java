package io.jpatroni.core.loop;

import io.jpatroni.core.config.PatroniConfig;
import io.jpatroni.core.postgres.PostgresException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code bootstrap.post_bootstrap} with a superuser connection string as its one argument (ha-loop.md §3.6). */
final class PostBootstrap {

    private PostBootstrap() {
    }

    static void run(String command, PatroniConfig config) throws PostgresException {
        var pg = config.postgresql();
        String conn = "dbname=" + pg.database() + " user=" + pg.superuser().username() + " host=" + pg.localHost()
                + " port=" + pg.port();
        List<String> argv = new ArrayList<>(ShellWords.split(command));
        argv.add(conn);
        ProcessBuilder builder = new ProcessBuilder(argv).inheritIO();
        builder.environment().put("PGOPTIONS", "-c synchronous_commit=local -c statement_timeout=0");
        pg.superuser().password().ifPresent(p -> builder.environment().put("PGPASSWORD", p));
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
}
