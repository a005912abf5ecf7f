package io.jpatroni.core.ha.sync;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The value of {@code synchronous_standby_names} as a set of names and the number of standbys
 * a commit waits for (ha-loop.md §16.5). Names compare case-insensitively, as PostgreSQL does.
 */
public record StandbyNames(int num, SortedSet<String> names) {

    public static final StandbyNames NONE = new StandbyNames(0, new TreeSet<>());
    /** Any standby will do: what strict mode writes when no standby is left, so commits wait. */
    public static final StandbyNames ANY = of(1, java.util.List.of("*"));

    private static final Pattern BARE = Pattern.compile("^[A-Za-z_][A-Za-z_0-9$]*$");

    public StandbyNames {
        TreeSet<String> copy = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        copy.addAll(names);
        names = java.util.Collections.unmodifiableSortedSet(copy);
    }

    public static StandbyNames of(int num, Collection<String> names) {
        return new StandbyNames(num, new TreeSet<>(names));
    }

    /**
     * The value that makes commits wait for {@code standbys}; with none, strict mode waits for any
     * standby ({@code *}) and otherwise commits do not wait at all.
     */
    public static StandbyNames forStandbys(Collection<String> standbys, boolean strict) {
        if (standbys.isEmpty()) {
            return strict ? ANY : NONE;
        }
        return of(standbys.size(), standbys);
    }

    public boolean isEmpty() {
        return names.isEmpty();
    }

    public boolean isAny() {
        return names.contains("*");
    }

    /** Same standbys, whatever the order or case. */
    public boolean sameNames(Collection<String> other) {
        TreeSet<String> o = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        o.addAll(other);
        return o.equals(names);
    }

    /** The text to write; empty = leave the parameter out (PostgreSQL's default, no synchronous standby). */
    public Optional<String> render() {
        if (isAny() || (names.isEmpty() && num >= 1)) {
            return Optional.of("*");
        }
        if (names.isEmpty()) {
            return Optional.empty();
        }
        String list = String.join(",", names.stream().map(StandbyNames::quote).toList());
        return Optional.of(names.size() == 1 ? list : num + " (" + list + ")");
    }

    static String quote(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (BARE.matcher(name).matches() && !lower.equals("first") && !lower.equals("any")) {
            return name;
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * Reads what PostgreSQL has: {@code a}, {@code a,b} (first one), {@code N (a,b)},
     * {@code FIRST N (a,b)}, {@code ANY N (a,b)}, {@code *}; quoted names allowed. Unreadable → NONE.
     */
    public static StandbyNames parse(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        String s = value.trim();
        int num = 1;
        String upper = s.toUpperCase(Locale.ROOT);
        if (upper.startsWith("FIRST ") || upper.startsWith("ANY ")) {
            s = s.substring(s.indexOf(' ') + 1).trim();
        }
        java.util.regex.Matcher counted = Pattern.compile("^(\\d+)\\s*\\((.*)\\)$", Pattern.DOTALL).matcher(s);
        if (counted.matches()) {
            num = Integer.parseInt(counted.group(1));
            s = counted.group(2);
        }
        TreeSet<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
                    current.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    current.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                addName(names, current);
            } else if (!Character.isWhitespace(c)) {
                current.append(c);
            }
        }
        addName(names, current);
        return new StandbyNames(num, names);
    }

    private static void addName(TreeSet<String> names, StringBuilder current) {
        if (current.length() > 0) {
            names.add(current.toString());
            current.setLength(0);
        }
    }
}
