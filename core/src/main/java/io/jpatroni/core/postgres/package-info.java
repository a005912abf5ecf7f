/**
 * Control of the local PostgreSQL instance for the HA loop (spec ha-loop §3–5, §13, §21.3, §22).
 *
 * <p>{@link io.jpatroni.core.postgres.PostgresNode} is the entry point: initdb, start/stop/promote, the per-iteration
 * monitoring query, post-bootstrap roles, pg_basebackup, pg_rewind and single-user crash recovery. Its methods block
 * (process control waits on the injected clock); the HA loop runs the long ones on its async runner.
 * {@link io.jpatroni.core.postgres.ServerParameters} computes the server parameters (§21.3), {@code ConfigFiles}
 * writes postgresql.conf with its recovery block, pg_hba.conf and pg_ident.conf, {@link io.jpatroni.core.postgres.PgPass}
 * the password file. The postmaster is started detached (own session, output appended to a log file beside the data
 * directory) so it outlives the daemon. JDBC connections are TCP only.
 */
package io.jpatroni.core.postgres;
