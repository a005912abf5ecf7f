package io.jpatroni.core.config;

import io.jpatroni.core.tls.ServerTls;
import io.jpatroni.core.tls.TlsException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The TLS keys of {@code restapi} (rest-api.md §2.3); present only when {@code certfile} is set,
 * which switches the REST API to HTTPS.
 */
public record RestTlsConfig(Path certfile, Optional<Path> keyfile, Optional<String> keyfilePassword,
                            Optional<Path> cafile, Optional<String> ciphers, ServerTls.ClientAuth verifyClient) {

    public RestTlsConfig {
        Objects.requireNonNull(certfile, "certfile");
        Objects.requireNonNull(keyfile, "keyfile");
        Objects.requireNonNull(keyfilePassword, "keyfilePassword");
        Objects.requireNonNull(cafile, "cafile");
        Objects.requireNonNull(ciphers, "ciphers");
        Objects.requireNonNull(verifyClient, "verifyClient");
    }

    /** Reads and checks the key material (files, pass phrase, key/certificate match, cipher names). */
    public ServerTls load() throws TlsException {
        return ServerTls.load(certfile, keyfile, keyfilePassword, cafile, ciphers, verifyClient);
    }

    @Override
    public String toString() {
        return "RestTlsConfig[certfile=" + certfile + ", keyfile=" + keyfile + ", keyfile_password="
                + keyfilePassword.map(p -> "***") + ", cafile=" + cafile + ", ciphers=" + ciphers
                + ", verify_client=" + verifyClient + "]";
    }
}
