package io.jpatroni.plugin.dcs.consul;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Consul (Go) writes and reads them: {@code 15s}, {@code 2.5s}, {@code 1ms}, {@code 24h0m0s}. */
final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

    private Durations() {
    }

    /** Seconds with as many decimals as needed: {@code 15s}, {@code 2.5s}; Consul parses both. */
    static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString() + "s";
    }

    /** Parses a Go duration string; empty if it is not one. A bare number counts as seconds. */
    static Optional<Duration> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip();
        if (s.matches("\\d+(\\.\\d+)?")) {
            return Optional.of(Duration.ofNanos(new BigDecimal(s).movePointRight(9).longValue()));
        }
        Matcher m = PART.matcher(s);
        int at = 0;
        BigDecimal nanos = BigDecimal.ZERO;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at) {
                return Optional.empty();
            }
            int shift = switch (m.group(2)) {
                case "ns" -> 0;
                case "us", "µs", "μs" -> 3;
                case "ms" -> 6;
                default -> 9;
            };
            BigDecimal value = new BigDecimal(m.group(1).startsWith(".") ? "0" + m.group(1) : m.group(1)).movePointRight(shift);
            if (m.group(2).equals("m")) {
                value = value.multiply(BigDecimal.valueOf(60));
            } else if (m.group(2).equals("h")) {
                value = value.multiply(BigDecimal.valueOf(3600));
            }
            nanos = nanos.add(value);
            at = m.end();
        }
        return at == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(nanos.longValue()));
    }
}
