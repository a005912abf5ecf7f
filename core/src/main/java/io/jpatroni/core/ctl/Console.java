package io.jpatroni.core.ctl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;

/**
 * Prompts in click's style, which patronictl uses: {@code Text [default]: } for values and
 * {@code Text [y/N]: } for confirmations; end of input aborts.
 */
final class Console {

    private final BufferedReader in;
    private final PrintWriter out;
    private final boolean terminal;

    /** @param terminal read passwords from the terminal without echo (the real process on a TTY) */
    Console(BufferedReader in, PrintWriter out, boolean terminal) {
        this.in = in;
        this.out = out;
        this.terminal = terminal;
    }

    /** Asks for a value; an empty answer takes {@code fallback}, or asks again when there is none. */
    String prompt(String text, Optional<String> fallback) {
        while (true) {
            out.print(text + fallback.map(d -> " [" + d + "]").orElse("") + ": ");
            out.flush();
            String line = readLine();
            if (!line.isEmpty()) {
                return line;
            }
            if (fallback.isPresent()) {
                return fallback.get();
            }
        }
    }

    String prompt(String text, String fallback) {
        return prompt(text, Optional.of(fallback));
    }

    String prompt(String text) {
        return prompt(text, Optional.empty());
    }

    /** {@code y}/{@code yes} → true, {@code n}/{@code no}/empty → false; anything else asks again. */
    boolean confirm(String text) {
        while (true) {
            out.print(text + " [y/N]: ");
            out.flush();
            String answer = readLine().trim().toLowerCase(Locale.ROOT);
            switch (answer) {
                case "y", "yes":
                    return true;
                case "", "n", "no":
                    return false;
                default:
                    out.println("Error: invalid input");
            }
        }
    }

    /** Reads a password; the terminal's echo is turned off when there is one. */
    String password(String text) {
        java.io.Console tty = terminal ? System.console() : null;
        if (tty != null) {
            char[] p = tty.readPassword("%s: ", text);
            if (p == null) {
                throw new CtlAbort();
            }
            return new String(p);
        }
        return prompt(text);
    }

    private String readLine() {
        try {
            String line = in.readLine();
            if (line == null) {
                out.println();
                throw new CtlAbort();
            }
            return line;
        } catch (IOException e) {
            throw new CtlAbort();
        }
    }
}
