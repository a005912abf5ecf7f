package io.jpatroni.core.postgres;

/** Replication slot names derived from member names (spec dcs.md §2.11). */
public final class SlotNames {
    private SlotNames() {
    }

    public static String forMember(String memberName) {
        String lower = memberName.toLowerCase(java.util.Locale.ROOT);
        StringBuilder sb = new StringBuilder();
        lower.codePoints().forEach(cp -> {
            if (cp == '-' || cp == '.') {
                sb.append('_');
            } else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '_') {
                sb.appendCodePoint(cp);
            } else {
                sb.append('u').append(String.format("%04d", cp));
            }
        });
        return sb.length() > 63 ? sb.substring(0, 63) : sb.toString();
    }
}
