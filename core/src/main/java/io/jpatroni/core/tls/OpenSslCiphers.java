package io.jpatroni.core.tls;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code restapi.ciphers} is an OpenSSL cipher string; the JDK wants IANA suite names. This maps
 * the parts that have an exact JSSE meaning and refuses the rest (a restriction silently dropped
 * would leave suites enabled that the operator meant to forbid).
 *
 * <p>Understood: OpenSSL suite names of the TLS 1.2 AEAD/CBC suites the JDK implements, IANA names
 * ({@code TLS_...}), and {@code DEFAULT}/{@code HIGH}/{@code ALL} (the JDK's enabled set) together
 * with exclusions of families the JDK never enables ({@code !aNULL}, {@code !eNULL}, {@code !MD5},
 * {@code !RC4}, {@code !EXPORT}, {@code !DES}, {@code !3DES}, {@code !PSK}, {@code !SRP}, ...).
 * As with OpenSSL's {@code set_ciphers}, TLS 1.3 suites stay enabled whatever the string says.
 */
public final class OpenSslCiphers {

    /** Families absent from the JDK's enabled suites; excluding them changes nothing. */
    private static final Set<String> NEVER_ENABLED = Set.of("ANULL", "ENULL", "NULL", "MD5", "RC4", "EXPORT", "EXP",
            "DES", "3DES", "PSK", "SRP", "DSS", "IDEA", "SEED", "CAMELLIA", "ARIA", "LOW", "MEDIUM", "ADH", "AECDH",
            "KRB5", "SSLV2", "SSLV3");
    private static final Set<String> EVERYTHING = Set.of("DEFAULT", "HIGH", "ALL");
    private static final List<String> TLS13 = List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256");

    private static final Map<String, String> SUITES = Map.ofEntries(
            Map.entry("ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry("ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry("DHE-RSA-AES256-GCM-SHA384", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("DHE-RSA-AES128-GCM-SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("DHE-RSA-CHACHA20-POLY1305", "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry("ECDHE-ECDSA-AES256-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"),
            Map.entry("ECDHE-RSA-AES256-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
            Map.entry("ECDHE-ECDSA-AES128-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
            Map.entry("ECDHE-RSA-AES128-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
            Map.entry("DHE-RSA-AES256-SHA256", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"),
            Map.entry("DHE-RSA-AES128-SHA256", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"),
            Map.entry("ECDHE-ECDSA-AES256-SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
            Map.entry("ECDHE-RSA-AES256-SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
            Map.entry("ECDHE-ECDSA-AES128-SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
            Map.entry("ECDHE-RSA-AES128-SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry("DHE-RSA-AES256-SHA", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"),
            Map.entry("DHE-RSA-AES128-SHA", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry("AES256-GCM-SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("AES128-GCM-SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("AES256-SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA256"),
            Map.entry("AES128-SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA256"),
            Map.entry("AES256-SHA", "TLS_RSA_WITH_AES_256_CBC_SHA"),
            Map.entry("AES128-SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"));

    private OpenSslCiphers() {
    }

    /**
     * The JSSE suites for {@code spec}, in the string's order, TLS 1.3 suites first.
     *
     * @param defaults  the suites the JDK enables by default
     * @param supported the suites the JDK implements
     * @throws TlsException naming {@code restapi.ciphers} and the part it cannot map
     */
    public static List<String> toJsse(String spec, List<String> defaults, Set<String> supported) throws TlsException {
        Set<String> out = new LinkedHashSet<>();
        boolean everything = false;
        List<String> unknown = new ArrayList<>();
        for (String raw : spec.split("[:, ]+")) {
            String part = raw.trim();
            if (part.isEmpty() || part.startsWith("@")) {
                continue; // @STRENGTH, @SECLEVEL=n only order or rate the list
            }
            if (part.startsWith("!") || part.startsWith("-")) {
                if (!NEVER_ENABLED.contains(part.substring(1).toUpperCase(java.util.Locale.ROOT))) {
                    unknown.add(part);
                }
                continue;
            }
            if (EVERYTHING.contains(part)) {
                everything = true;
                continue;
            }
            String iana = part.startsWith("TLS_") ? part : SUITES.get(part);
            if (iana == null || !supported.contains(iana)) {
                unknown.add(part);
            } else if (!TLS13.contains(iana)) {
                out.add(iana);
            }
        }
        if (!unknown.isEmpty()) {
            throw new TlsException("restapi.ciphers", "restapi.ciphers: '" + spec + "' contains " + String.join(", ",
                    unknown) + ", which jpatroni cannot map to Java cipher suites; list OpenSSL suite names such as"
                    + " ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384, or HIGH:!aNULL:!MD5, or remove"
                    + " restapi.ciphers");
        }
        if (everything) {
            defaults.stream().filter(s -> !TLS13.contains(s)).forEach(out::add);
        }
        if (out.isEmpty()) {
            throw new TlsException("restapi.ciphers", "restapi.ciphers: '" + spec + "' enables no TLS 1.2 suite;"
                    + " name at least one, e.g. ECDHE-RSA-AES128-GCM-SHA256");
        }
        List<String> result = new ArrayList<>();
        TLS13.stream().filter(supported::contains).forEach(result::add);
        result.addAll(out);
        return result;
    }
}
