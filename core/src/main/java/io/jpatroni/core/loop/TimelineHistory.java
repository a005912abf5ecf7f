package io.jpatroni.core.loop;

import io.jpatroni.core.postgres.Lsn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the DCS {@code history} value from PostgreSQL's {@code pg_wal/<TL>.history} file
 * (dcs.md §2.7): one line per switch, keeping timestamps and names already stored for the same LSN.
 */
final class TimelineHistory {

    /** As Patroni writes it: microseconds and a numeric offset, e.g. 2025-02-28T09:14:03.123456+01:00. */
    static final java.time.format.DateTimeFormatter PATRONI_TIMESTAMP =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx");

    private TimelineHistory() {
    }

    static List<List<Object>> read(Optional<Path> file, List<List<Object>> stored, String me) {
        if (file.isEmpty() || !Files.isRegularFile(file.get())) {
            return List.of();
        }
        List<String> text;
        String modified;
        try {
            text = Files.readAllLines(file.get());
            modified = OffsetDateTime.ofInstant(Files.getLastModifiedTime(file.get()).toInstant(),
                    ZoneId.systemDefault()).format(PATRONI_TIMESTAMP);
        } catch (IOException e) {
            return List.of();
        }
        List<List<Object>> lines = new ArrayList<>();
        for (String raw : text) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\t", 3);
            if (parts.length < 2) {
                continue;
            }
            long parent = Long.parseLong(parts[0].strip());
            long lsn = Lsn.parse(parts[1].strip());
            String reason = parts.length > 2 ? parts[2].strip() : "";
            List<Object> entry = new ArrayList<>(List.of(parent, lsn, reason));
            Optional<List<Object>> known = stored.stream()
                    .filter(s -> s.size() >= 5 && s.get(1) instanceof Number n && n.longValue() == lsn).findFirst();
            if (known.isPresent()) {
                entry.add(known.get().get(3));
                entry.add(known.get().get(4));
            }
            lines.add(entry);
        }
        if (!lines.isEmpty() && lines.get(lines.size() - 1).size() < 5) {
            lines.get(lines.size() - 1).add(modified);
            lines.get(lines.size() - 1).add(me);
        }
        return lines;
    }
}
