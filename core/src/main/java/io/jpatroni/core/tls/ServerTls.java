package io.jpatroni.core.tls;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Everything the HTTPS listener needs, loaded and checked from the {@code restapi} TLS keys. The
 * certificate, key and CA file can be replaced while the listener runs ({@link #reload}).
 */
public final class ServerTls {

    /** {@code restapi.verify_client}. */
    public enum ClientAuth {
        /** Never ask for a client certificate. */
        NONE,
        /** Ask; a client without one may connect, but protected endpoints answer 403. */
        OPTIONAL,
        /** The handshake fails without a valid client certificate. */
        REQUIRED
    }

    private final SwappableManagers managers;
    private final SSLContext context;
    private final Optional<List<String>> cipherSuites;
    private final ClientAuth clientAuth;

    private ServerTls(SwappableManagers managers, Optional<List<String>> cipherSuites, ClientAuth clientAuth) {
        this.managers = managers;
        this.context = TlsContexts.context(managers.keyManagers(), managers.trustManagers());
        this.cipherSuites = cipherSuites.map(List::copyOf);
        this.clientAuth = Objects.requireNonNull(clientAuth);
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
        SwappableManagers managers = new SwappableManagers(identity.keyManagers(), TlsContexts.trustManagers(cas));
        Optional<List<String>> suites = Optional.empty();
        if (ciphers.isPresent() && !ciphers.get().isBlank()) {
            SSLContext probe = TlsContexts.context(null, null);
            suites = Optional.of(OpenSslCiphers.toJsse(ciphers.get(), TlsContexts.defaultSuites(probe),
                    TlsContexts.supportedSuites(probe)));
        }
        return new ServerTls(managers, suites, clientAuth);
    }

    /** The context the listener is built with; it follows {@link #reload}. */
    public SSLContext context() {
        return context;
    }

    /** The suites to enable, or empty for the JDK's defaults. */
    public Optional<List<String>> cipherSuites() {
        return cipherSuites;
    }

    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /**
     * New connections present {@code fresh}'s certificate and verify clients with its CA file.
     *
     * @return false, changing nothing, when verify_client or ciphers differ: those are listener
     *         options, applied by a restart
     */
    public boolean reload(ServerTls fresh) {
        if (fresh.clientAuth != clientAuth || !fresh.cipherSuites.equals(cipherSuites)) {
            return false;
        }
        managers.copyFrom(fresh.managers);
        // no resumed session may carry on with the old certificate or a client the new CA file no longer admits
        javax.net.ssl.SSLSessionContext sessions = context.getServerSessionContext();
        for (java.util.Enumeration<byte[]> ids = sessions.getIds(); ids.hasMoreElements(); ) {
            javax.net.ssl.SSLSession session = sessions.getSession(ids.nextElement());
            if (session != null) {
                session.invalidate();
            }
        }
        return true;
    }
}
