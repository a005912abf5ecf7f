package io.jpatroni.core.rest;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code lag} query parameter: bytes, or a size with a case-sensitive, 1024-based unit
 * ({@code B}, {@code kB}, {@code MB}, {@code GB}, {@code TB}) as PostgreSQL writes sizes
 * (rest-api.md §4.1). Anything else means "no limit".
 */
public final class LagLimit {

    private static final Pattern SIZE = Pattern.compile("\\s*([+-]?\\d+)\\s*([A-Za-z]*)\\s*");

    private LagLimit() {
    }

    public static OptionalLong parse(String text) {
        if (text == null) {
            return OptionalLong.empty();
        }
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        long multiplier;
        switch (m.group(2)) {
            case "":
            case "B":
                multiplier = 1;
                break;
            case "kB":
                multiplier = 1L << 10;
                break;
            case "MB":
                multiplier = 1L << 20;
                break;
            case "GB":
                multiplier = 1L << 30;
                break;
            case "TB":
                multiplier = 1L << 40;
                break;
            default:
                return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Math.multiplyExact(Long.parseLong(m.group(1)), multiplier));
        } catch (ArithmeticException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
