package io.jpatroni.core.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** SQL for the post-bootstrap roles (§3.6): each statement a DO block committing with synchronous_commit = local. */
final class RoleStatements {
    /** A role option: keywords, optionally followed by a number or one quoted literal (VALID UNTIL '...'). */
    private static final Pattern OPTION = Pattern.compile("[A-Za-z][A-Za-z_ ]*( -?[0-9]+| '[^'\\\\;$]*')?");

    /** Session settings that keep passwords out of the server log, and the values that disable logging. */
    static final List<String[]> QUIET = List.of(
            new String[]{"log_statement", "none"},
            new String[]{"log_min_duration_statement", "-1"},
            new String[]{"log_min_error_statement", "log"},
            new String[]{"pg_stat_statements.track_utility", "off"},
            new String[]{"pgaudit.log", "none"});

    private RoleStatements() {
    }

    static String quoteIdent(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    static String quoteLiteral(String value) {
        if (value.indexOf('\\') >= 0) {
            return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
        }
        return "'" + value.replace("'", "''") + "'";
    }

    /** Options checked against {@link #OPTION}; anything else is dropped and reported to {@code rejected}. */
    static List<String> options(List<String> raw, boolean addLogin, List<String> rejected) {
        List<String> out = new ArrayList<>();
        boolean loginGiven = false;
        for (String o : raw) {
            String t = o.trim();
            if (!OPTION.matcher(t).matches()) {
                rejected.add(o);
                continue;
            }
            String upper = t.toUpperCase(Locale.ROOT);
            if (upper.equals("LOGIN") || upper.equals("NOLOGIN")) {
                loginGiven = true;
            }
            int quote = t.indexOf('\'');
            out.add(quote < 0 ? upper : t.substring(0, quote).toUpperCase(Locale.ROOT) + t.substring(quote));
        }
        if (addLogin && !loginGiven) {
            out.add("LOGIN");
        }
        return out;
    }

    /** CREATE the role, or ALTER it when it exists, with the given options and password. */
    static String createOrAlter(String name, List<String> options, Optional<String> password) {
        StringBuilder with = new StringBuilder();
        for (String o : options) {
            with.append(' ').append(o);
        }
        password.ifPresent(p -> with.append(" PASSWORD ").append(quoteLiteral(p)));
        String w = with.length() == 0 ? "" : " WITH" + with;
        String body = "BEGIN\n"
                + "    SET LOCAL synchronous_commit = 'local';\n"
                + "    PERFORM * FROM pg_catalog.pg_authid WHERE rolname = " + quoteLiteral(name) + ";\n"
                + "    IF FOUND THEN\n"
                + "        ALTER ROLE " + quoteIdent(name) + w + ";\n"
                + "    ELSE\n"
                + "        CREATE ROLE " + quoteIdent(name) + w + ";\n"
                + "    END IF;\n"
                + "END;";
        return doBlock(body);
    }

    /** What pg_rewind needs from a non-superuser on the source (§3.6 step 3). */
    static String grantRewind(String role) {
        String r = quoteIdent(role);
        String body = "BEGIN\n"
                + "    SET LOCAL synchronous_commit = 'local';\n"
                + "    GRANT EXECUTE ON FUNCTION pg_catalog.pg_ls_dir(text, boolean, boolean) TO " + r + ";\n"
                + "    GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_file(text, boolean) TO " + r + ";\n"
                + "    GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_binary_file(text) TO " + r + ";\n"
                + "    GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean) TO " + r + ";\n"
                + "END;";
        return doBlock(body);
    }

    /** Dollar-quoted DO block with a tag that does not occur in the body (passwords are user text). */
    static String doBlock(String body) {
        String tag = "$jp$";
        for (int i = 0; body.contains(tag); i++) {
            tag = "$jp" + i + "$";
        }
        return "DO " + tag + "\n" + body + "\n" + tag;
    }

    /** Statement that applies (or with {@code reset}, resets) {@link #QUIET} for the settings this server knows. */
    static String quietSession(boolean reset) {
        StringBuilder names = new StringBuilder();
        StringBuilder cases = new StringBuilder();
        for (String[] q : QUIET) {
            if (names.length() > 0) {
                names.append(", ");
            }
            names.append(quoteLiteral(q[0]));
            cases.append(" WHEN ").append(quoteLiteral(q[0])).append(" THEN ").append(quoteLiteral(q[1]));
        }
        String value = reset ? "reset_val" : "CASE name" + cases + " END";
        return "SELECT pg_catalog.set_config(name, " + value + ", false) FROM pg_catalog.pg_settings WHERE name IN ("
                + names + ")";
    }
}
