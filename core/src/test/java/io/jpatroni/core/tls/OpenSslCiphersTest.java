package io.jpatroni.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class OpenSslCiphersTest {

    private static final SSLContext JDK = defaultContext();

    private static SSLContext defaultContext() {
        try {
            return SSLContext.getDefault();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> map(String spec) throws TlsException {
        return OpenSslCiphers.toJsse(spec, TlsContexts.defaultSuites(JDK), TlsContexts.supportedSuites(JDK));
    }

    @Test
    void openSslSuiteNamesBecomeIanaNamesAndTls13StaysOn() throws Exception {
        List<String> suites = map("ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384");
        assertTrue(suites.containsAll(List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256")), suites.toString());
        assertFalse(suites.contains("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"));
    }

    @Test
    void highWithExclusionsOfFamiliesTheJdkNeverEnablesIsTheJdkDefault() throws Exception {
        List<String> suites = map("HIGH:!aNULL:!MD5");
        assertTrue(Set.copyOf(suites).containsAll(TlsContexts.defaultSuites(JDK)), suites.toString());
    }

    @Test
    void whatCannotBeMappedIsRefusedWithTheKeyAndValue() {
        TlsException e = assertThrows(TlsException.class, () -> map("ECDHE+AESGCM:!SHA1"));
        assertEquals("restapi.ciphers", e.key());
        assertTrue(e.getMessage().contains("ECDHE+AESGCM") && e.getMessage().contains("!SHA1"), e.getMessage());
        assertThrows(TlsException.class, () -> map("RC4-SHA"));
        assertThrows(TlsException.class, () -> map("!aNULL"));
    }
}
