package io.jpatroni.core.tls;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Everything the HTTPS listener needs, loaded and checked from the {@code restapi} TLS keys.
 *
 * @param cipherSuites the suites to enable, or empty for the JDK's defaults
 */
public record ServerTls(SSLContext context, Optional<List<String>> cipherSuites, ClientAuth clientAuth) {

    /** {@code restapi.verify_client}. */
    public enum ClientAuth {
        /** Never ask for a client certificate. */
        NONE,
        /** Ask; a client without one may connect, but protected endpoints answer 403. */
        OPTIONAL,
        /** The handshake fails without a valid client certificate. */
        REQUIRED
    }

    public ServerTls {
        cipherSuites = cipherSuites.map(List::copyOf);
    }

    /** Reads the files, decrypts the key and checks that it belongs to the certificate. */
    public static ServerTls load(Path certfile, Optional<Path> keyfile, Optional<String> keyfilePassword,
                                 Optional<Path> cafile, Optional<String> ciphers, ClientAuth clientAuth)
            throws TlsException {
        KeyMaterial identity = KeyMaterial.load("restapi", certfile, keyfile, keyfilePassword);
        Optional<List<X509Certificate>> cas = Optional.empty();
        if (cafile.isPresent()) {
            cas = Optional.of(PemFiles.certificates(cafile.get(), "restapi.cafile"));
        }
        SSLContext context = TlsContexts.server(identity, cas);
        Optional<List<String>> suites = Optional.empty();
        if (ciphers.isPresent() && !ciphers.get().isBlank()) {
            suites = Optional.of(OpenSslCiphers.toJsse(ciphers.get(), TlsContexts.defaultSuites(context),
                    TlsContexts.supportedSuites(context)));
        }
        return new ServerTls(context, suites, clientAuth);
    }
}
