package io.jpatroni.core.loop;

/** A member's replication slot name (dcs.md §2.11). */
public final class SlotNames {

    private SlotNames() {
    }

    public static String forMember(String member) {
        StringBuilder out = new StringBuilder();
        member.toLowerCase(java.util.Locale.ROOT).codePoints().forEach(c -> {
            if (c == '-' || c == '.') {
                out.append('_');
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
                out.appendCodePoint(c);
            } else {
                out.append('u').append(String.format("%04d", c));
            }
        });
        return out.length() > 63 ? out.substring(0, 63) : out.toString();
    }
}
