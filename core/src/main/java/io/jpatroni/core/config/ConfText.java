package io.jpatroni.core.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What may reach a line-oriented file PostgreSQL reads (postgresql.conf, pg_hba.conf, pg_ident.conf,
 * the pgpass file). Names and values come from patroni.yml and from the DCS, which any client with
 * write access can fill: a line break in either would let that client add lines of its own (a
 * parameter it was not allowed to set, a trust rule), and a NUL truncates the file for PostgreSQL.
 */
public final class ConfText {

    /** PostgreSQL's own rule for a configuration parameter name (guc-file.l), dots for custom classes. */
    public static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

    private ConfText() {
    }

    public static boolean isParameterName(String name) {
        return name != null && PARAMETER_NAME.matcher(name).matches();
    }

    /** Why {@code text} cannot be written on one line, or empty when it can. */
    public static Optional<String> lineBreakProblem(String text) {
        if (text == null) {
            return Optional.empty();
        }
        for (int i = 0; i < text.length(); i++) {
            switch (text.charAt(i)) {
                case '\n':
                    return Optional.of("contains a line feed (\\n)");
                case '\r':
                    return Optional.of("contains a carriage return (\\r)");
                case '\0':
                    return Optional.of("contains a NUL character (\\0)");
                default:
                    break;
            }
        }
        return Optional.empty();
    }

    /** {@code text} quoted with its control characters escaped: safe to log. */
    public static String shown(String text) {
        return ValueParsers.describe(text);
    }

    public static boolean isSingleLine(String text) {
        return lineBreakProblem(text).isEmpty();
    }

    /** The problem with a {@code name = value} pair for postgresql.conf, or empty when it is safe to write. */
    public static Optional<String> parameterProblem(String name, String renderedValue) {
        if (!isParameterName(name)) {
            return Optional.of("is not a valid parameter name (letters, digits, '_' and '.', not starting with a"
                    + " digit or '.')");
        }
        return lineBreakProblem(renderedValue).map(p -> "has a value that " + p
                + ": a parameter value must be a single line");
    }
}
