package io.jpatroni.core.rest;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The timestamps operators type for {@code scheduled_at} and a restart's {@code schedule}
 * (rest-api.md §7.2, §7.5; patronictl.md §2.3): ISO-8601 with {@code T} or a space, seconds and
 * fractions optional, zone as {@code Z}, {@code UTC}, {@code GMT} or a numeric offset; RFC 1123
 * as well. A zone is kept apart so that callers can insist on one (the server) or supply the
 * local one (jpatronictl).
 */
public final class Timestamps {

    private static final Pattern ISO = Pattern.compile(
            "\\s*(\\d{4})-(\\d{1,2})-(\\d{1,2})(?:[T ](\\d{1,2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9}))?)?)?"
                    + "\\s*(Z|UTC|GMT|[+-]\\d{2}(?::?\\d{2})?)?\\s*", Pattern.CASE_INSENSITIVE);

    /** A date-time as written, with its offset when the text gave one. */
    public record Parsed(LocalDateTime local, Optional<ZoneOffset> offset) {

        /** The instant meant, reading a zone-less time in {@code zone}. */
        public OffsetDateTime resolve(ZoneId zone) {
            return offset.map(local::atOffset).orElseGet(() -> local.atZone(zone).toOffsetDateTime());
        }
    }

    private Timestamps() {
    }

    public static Optional<Parsed> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = ISO.matcher(text);
        if (m.matches()) {
            try {
                int nanos = 0;
                if (m.group(7) != null) {
                    nanos = Integer.parseInt((m.group(7) + "00000000").substring(0, 9));
                }
                LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(3)), m.group(4) == null ? 0 : Integer.parseInt(m.group(4)),
                        m.group(5) == null ? 0 : Integer.parseInt(m.group(5)),
                        m.group(6) == null ? 0 : Integer.parseInt(m.group(6)), nanos);
                return Optional.of(new Parsed(local, Optional.ofNullable(m.group(8)).map(Timestamps::offset)));
            } catch (DateTimeException | NumberFormatException e) {
                return Optional.empty();
            }
        }
        try {
            ZonedDateTime rfc = ZonedDateTime.parse(text.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
            return Optional.of(new Parsed(rfc.toLocalDateTime(), Optional.of(rfc.getOffset())));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static ZoneOffset offset(String zone) {
        String z = zone.toUpperCase(Locale.ROOT);
        if (z.equals("Z") || z.equals("UTC") || z.equals("GMT")) {
            return ZoneOffset.UTC;
        }
        String digits = z.replace(":", "");
        int hours = Integer.parseInt(digits.substring(1, 3));
        int minutes = digits.length() > 3 ? Integer.parseInt(digits.substring(3, 5)) : 0;
        return ZoneOffset.ofHoursMinutes(z.startsWith("-") ? -hours : hours, z.startsWith("-") ? -minutes : minutes);
    }

    /**
     * The server's check of a schedule for {@code action} ("switchover", "restart"): a zone is
     * mandatory and the time must lie ahead of {@code now}.
     */
    static OffsetDateTime requireFuture(Object value, String action, java.time.Clock clock) {
        Optional<Parsed> parsed = value instanceof String s ? parse(s) : Optional.empty();
        if (parsed.isEmpty()) {
            throw new RestError(RestResponse.text(422,
                    "Unable to parse scheduled timestamp. It should be in an unambiguous format, e.g. ISO 8601"));
        }
        if (parsed.get().offset().isEmpty()) {
            throw new RestError(RestResponse.text(400, "Timezone information is mandatory for the scheduled " + action));
        }
        OffsetDateTime at = parsed.get().resolve(ZoneOffset.UTC);
        if (at.toInstant().isBefore(clock.instant())) {
            throw new RestError(RestResponse.text(422, "Cannot schedule " + action + " in the past"));
        }
        return at;
    }
}
