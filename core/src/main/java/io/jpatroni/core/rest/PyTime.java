package io.jpatroni.core.rest;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/** Timestamps written the way Python's {@code datetime.isoformat()} writes them. */
public final class PyTime {

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");
    private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("xxx");

    private PyTime() {
    }

    /** {@code 2030-01-01T12:00:00+00:00}; microseconds only when non-zero. */
    public static String isoformat(OffsetDateTime t) {
        return (t.getNano() / 1000 == 0 ? SECONDS : MICROS).format(t) + OFFSET.format(t);
    }
}
