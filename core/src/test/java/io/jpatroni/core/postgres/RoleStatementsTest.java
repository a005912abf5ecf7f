package io.jpatroni.core.postgres;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoleStatementsTest {
    @Test
    void createOrAlterIsOneDoBlockWithLocalCommit() {
        String sql = RoleStatements.createOrAlter("repl\"x", List.of("REPLICATION", "LOGIN"), Optional.of("it's"));
        assertTrue(sql.startsWith("DO $jp$\n"), sql);
        assertTrue(sql.endsWith("\n$jp$"), sql);
        assertTrue(sql.contains("SET LOCAL synchronous_commit = 'local';"));
        assertTrue(sql.contains("rolname = 'repl\"x'"));
        assertTrue(sql.contains("ALTER ROLE \"repl\"\"x\" WITH REPLICATION LOGIN PASSWORD 'it''s';"));
        assertTrue(sql.contains("CREATE ROLE \"repl\"\"x\" WITH REPLICATION LOGIN PASSWORD 'it''s';"));
    }

    @Test
    void dollarTagAvoidsThePassword() {
        String sql = RoleStatements.createOrAlter("u", List.of("LOGIN"), Optional.of("a$jp$b"));
        assertTrue(sql.startsWith("DO $jp0$"), sql);
        assertTrue(RoleStatements.quoteLiteral("a\\b").startsWith("E'"));
    }

    @Test
    void optionsAddLoginUnlessGivenAndRejectInjection() {
        List<String> rejected = new ArrayList<>();
        assertEquals(List.of("CREATEDB", "CREATEROLE", "LOGIN"), RoleStatements.options(List.of("createdb", "createrole"), true, rejected));
        assertEquals(List.of("NOLOGIN"), RoleStatements.options(List.of("nologin"), true, rejected));
        assertEquals(List.of("CONNECTION LIMIT 5", "VALID UNTIL '2030-01-01'", "LOGIN"),
                RoleStatements.options(List.of("connection limit 5", "valid until '2030-01-01'"), true, rejected));
        assertTrue(rejected.isEmpty());
        assertEquals(List.of("LOGIN"), RoleStatements.options(List.of("superuser; DROP TABLE x"), true, rejected));
        assertEquals(List.of("superuser; DROP TABLE x"), rejected);
    }

    @Test
    void quietSessionCoversTheLoggingSettings() {
        String on = RoleStatements.quietSession(false);
        assertTrue(on.contains("'log_statement' THEN 'none'"));
        assertTrue(on.contains("'pgaudit.log'"));
        assertTrue(RoleStatements.quietSession(true).contains("reset_val"));
    }
}
