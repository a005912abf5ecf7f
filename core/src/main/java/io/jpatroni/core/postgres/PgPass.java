package io.jpatroni.core.postgres;

import io.jpatroni.core.config.ConfText;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** Writes libpq password files ({@code host:port:database:user:password}, mode 0600). */
public final class PgPass {
    /** One line; null fields are written as {@code *}. */
    public record Entry(String host, Integer port, String database, String user, String password) {
        @Override
        public String toString() {
            return "Entry[" + host + ":" + port + ":" + database + ":" + user + ":******]";
        }
    }

    private PgPass() {
    }

    /** Entry for a host (each host of a comma-separated list gets its own line; a socket path adds localhost). */
    public static List<Entry> entriesFor(String hosts, int port, PgCredentials credentials) {
        String pw = credentials.password().orElse(null);
        java.util.ArrayList<Entry> out = new java.util.ArrayList<>();
        for (String h : hosts.split(",")) {
            String host = h.trim();
            if (host.isEmpty()) {
                continue;
            }
            out.add(new Entry(host, port, null, credentials.username(), pw));
            if (host.startsWith("/")) {
                out.add(new Entry("localhost", port, null, credentials.username(), pw));
            }
        }
        return out;
    }

    public static String render(List<Entry> entries) {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            // a host or user from the DCS with a line break would add an entry of its own: such entries are left out
            if (!ConfText.isSingleLine(e.host()) || !ConfText.isSingleLine(e.database()) || !ConfText.isSingleLine(e.user())
                    || !ConfText.isSingleLine(e.password())) {
                continue;
            }
            sb.append(field(e.host())).append(':')
                    .append(e.port() == null ? "*" : e.port().toString()).append(':')
                    .append(field(e.database())).append(':')
                    .append(field(e.user())).append(':')
                    .append(field(e.password())).append('\n');
        }
        return sb.toString();
    }

    static String field(String value) {
        if (value == null || value.isEmpty()) {
            return "*";
        }
        return value.replace("\\", "\\\\").replace(":", "\\:");
    }

    /** Replaces the file atomically; the temporary file is created with mode 0600 before any secret is written. */
    public static void write(Path file, List<Entry> entries) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, render(entries).getBytes(StandardCharsets.UTF_8));
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
