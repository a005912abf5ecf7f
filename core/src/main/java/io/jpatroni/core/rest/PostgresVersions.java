package io.jpatroni.core.rest;

import java.util.Optional;

/** The {@code X.Y} / {@code X.Y.Z} version filter of a restart (rest-api.md §7.2; patronictl.md §3.5). */
public final class PostgresVersions {

    private PostgresVersions() {
    }

    /** Patroni's complaint about a version text, or empty when it is acceptable. */
    public static Optional<String> problem(String version) {
        String[] parts = version.split("\\.", -1);
        int[] numbers = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                numbers[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                return Optional.of("Invalid PostgreSQL version: " + version);
            }
        }
        if (numbers.length < 2 || numbers.length > 3 || numbers.length == 2 && numbers[0] < 10) {
            return Optional.of("Invalid PostgreSQL version format: X.Y or X.Y.Z is accepted: " + version);
        }
        return Optional.empty();
    }
}
