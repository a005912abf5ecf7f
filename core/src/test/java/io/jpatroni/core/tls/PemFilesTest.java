package io.jpatroni.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PemFilesTest {

    @TempDir
    static Path dir;
    static TestCertificates certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCertificates.create(dir);
        Files.writeString(dir.resolve("plain.txt"), "not a pem file\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"server.key", "server-pkcs1.key", "server-pkcs8-encrypted.key", "server-pkcs1-aes.key",
            "server-pkcs1-des3.key"})
    void everyRsaKeyFormOpenSslWritesLoadsAndMatchesTheCertificate(String keyFile) throws Exception {
        KeyMaterial material = KeyMaterial.load("restapi", certs.path("server.crt"), Optional.of(certs.path(keyFile)),
                Optional.of(TestCertificates.PASSWORD));
        assertEquals("RSA", material.key().getAlgorithm());
        assertEquals(1, material.chain().size());
    }

    @Test
    void sec1EcKeysPlainAndEncrypted() throws Exception {
        assertTrue(Files.readString(certs.path("ec-sec1.key")).contains("BEGIN EC PRIVATE KEY"));
        assertTrue(Files.readString(certs.path("ec-sec1-aes.key")).contains("DEK-Info"));
        assertEquals("EC", KeyMaterial.load("restapi", certs.path("ec.crt"), Optional.of(certs.path("ec-sec1.key")),
                Optional.empty()).key().getAlgorithm());
        assertEquals("EC", KeyMaterial.load("restapi", certs.path("ec.crt"), Optional.of(certs.path("ec-sec1-aes.key")),
                Optional.of(TestCertificates.PASSWORD)).key().getAlgorithm());
    }

    @Test
    void ed25519Pkcs8() throws Exception {
        KeyMaterial.load("restapi", certs.path("ed25519.crt"), Optional.of(certs.path("ed25519.key")), Optional.empty());
    }

    @Test
    void theKeyMayFollowTheCertificateInOneFile() throws Exception {
        KeyMaterial material = KeyMaterial.load("restapi", certs.path("server-combined.pem"), Optional.empty(),
                Optional.empty());
        assertEquals("RSA", material.key().getAlgorithm());
    }

    @ParameterizedTest
    @ValueSource(strings = {"server-pkcs8-encrypted.key", "server-pkcs1-aes.key", "server-pkcs1-des3.key"})
    void aWrongPassPhraseIsNamed(String keyFile) {
        TlsException e = assertThrows(TlsException.class, () -> KeyMaterial.load("restapi", certs.path("server.crt"),
                Optional.of(certs.path(keyFile)), Optional.of("wrong")));
        assertEquals("restapi.keyfile_password", e.key());
        assertTrue(e.getMessage().contains("wrong pass phrase"), e.getMessage());
    }

    @Test
    void aMissingPassPhraseIsNamed() {
        TlsException e = assertThrows(TlsException.class, () -> KeyMaterial.load("restapi", certs.path("server.crt"),
                Optional.of(certs.path("server-pkcs8-encrypted.key")), Optional.empty()));
        assertEquals("restapi.keyfile_password", e.key());
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() {
        TlsException e = assertThrows(TlsException.class, () -> KeyMaterial.load("restapi", certs.path("server.crt"),
                Optional.of(certs.path("client.key")), Optional.empty()));
        assertEquals("restapi.keyfile", e.key());
        assertTrue(e.getMessage().contains("does not belong to the certificate"), e.getMessage());
    }

    @Test
    void missingAndNonPemFilesAreNamed() {
        TlsException missing = assertThrows(TlsException.class, () -> KeyMaterial.load("restapi",
                dir.resolve("nope.crt"), Optional.empty(), Optional.empty()));
        assertEquals("restapi.certfile", missing.key());
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        TlsException plain = assertThrows(TlsException.class, () -> KeyMaterial.load("restapi",
                certs.path("server.crt"), Optional.of(dir.resolve("plain.txt")), Optional.empty()));
        assertTrue(plain.getMessage().contains("is not a PEM file"), plain.getMessage());
        TlsException noKey = assertThrows(TlsException.class, () -> KeyMaterial.load("restapi",
                certs.path("server.crt"), Optional.empty(), Optional.empty()));
        assertEquals("restapi.keyfile", noKey.key());
    }

    @Test
    void aCaBundleHoldsEveryCertificate() throws Exception {
        Path bundle = dir.resolve("bundle.pem");
        Files.writeString(bundle, Files.readString(certs.path("ca.crt")) + Files.readString(certs.path("other-ca.crt")));
        assertEquals(2, PemFiles.certificates(bundle, "restapi.cafile").size());
    }
}
