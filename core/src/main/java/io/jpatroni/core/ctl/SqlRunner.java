package io.jpatroni.core.ctl;

import java.util.List;
import java.util.Optional;

/** How {@code query} runs SQL on a member (patronictl.md §3.13). */
public interface SqlRunner {

    /**
     * Where and as whom to connect; {@code inRecovery} present = check {@code pg_is_in_recovery()}
     * first and give up (empty result) when it differs.
     */
    record Target(String host, int port, Optional<String> user, Optional<String> password, Optional<String> dbname,
                  Optional<Boolean> inRecovery) {
    }

    /** Column names and rows. */
    record Result(List<String> columns, List<List<Object>> rows) {
    }

    /** A database error: {@code detail} is the SQLSTATE, or the error text when there is none. */
    final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        public Failure(String detail) {
            super(detail, null, false, false);
        }
    }

    /** Runs {@code sql}; empty when the server is not in the wanted role. */
    Optional<Result> run(Target target, String sql) throws Failure;
}
