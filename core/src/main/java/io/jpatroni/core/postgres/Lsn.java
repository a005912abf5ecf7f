package io.jpatroni.core.postgres;

/** PostgreSQL WAL positions: text form {@code X/Y} (hex halves) ↔ byte offsets. */
public final class Lsn {
    private Lsn() {
    }

    public static long parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("null LSN");
        }
        String t = text.trim();
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1) {
            throw new IllegalArgumentException("not an LSN: " + text);
        }
        long hi = Long.parseLong(t.substring(0, slash), 16);
        long lo = Long.parseLong(t.substring(slash + 1), 16);
        return (hi << 32) | lo;
    }

    public static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }
}
