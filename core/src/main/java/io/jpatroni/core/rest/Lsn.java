package io.jpatroni.core.rest;

/** WAL positions as PostgreSQL prints them. */
public final class Lsn {

    private Lsn() {
    }

    /** {@code 67108864} → {@code 0/4000000}: upper-case hex, no zero padding. */
    public static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase(java.util.Locale.ROOT) + "/"
                + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase(java.util.Locale.ROOT);
    }
}
