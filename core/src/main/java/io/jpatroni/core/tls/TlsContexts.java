package io.jpatroni.core.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/** SSL contexts for the REST server and for the clients of other members' REST APIs. */
public final class TlsContexts {

    /** How a client checks the server's certificate. */
    public enum ServerCheck {
        /** Chain against the CAs and the host name against the certificate (patronictl's default). */
        FULL,
        /** Chain only: Patroni's choice when a client certificate is presented with {@code insecure}. */
        CHAIN_ONLY,
        /** Nothing: {@code insecure} without a client certificate, and member-to-member status calls. */
        NONE
    }

    private TlsContexts() {
    }

    /**
     * The server side: presents {@code identity}; client certificates (when the listener asks for
     * them) are verified against {@code clientCas}, or the JDK's default CAs without it.
     */
    public static SSLContext server(KeyMaterial identity, Optional<List<X509Certificate>> clientCas) {
        return context(identity.keyManagers(), trustManagers(clientCas));
    }

    /** The client side: presents {@code identity} if any, checks the server as {@code check} says. */
    public static SSLContext client(Optional<KeyMaterial> identity, Optional<List<X509Certificate>> cas,
                                    ServerCheck check) {
        TrustManager[] trust = switch (check) {
            case FULL -> trustManagers(cas);
            case CHAIN_ONLY -> new TrustManager[] {new ChainOnly(defaultTrustManager(cas))};
            case NONE -> new TrustManager[] {new TrustAll()};
        };
        return context(identity.map(KeyMaterial::keyManagers).orElse(null), trust);
    }

    /** The suites this JVM enables by default and all it implements, for {@link OpenSslCiphers}. */
    public static List<String> defaultSuites(SSLContext context) {
        return List.of(context.getDefaultSSLParameters().getCipherSuites());
    }

    public static Set<String> supportedSuites(SSLContext context) {
        return Set.of(context.getSupportedSSLParameters().getCipherSuites());
    }

    static SSLContext context(javax.net.ssl.KeyManager[] keys, TrustManager[] trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    static TrustManager[] trustManagers(Optional<List<X509Certificate>> cas) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (cas.isEmpty()) {
                factory.init((KeyStore) null);
            } else {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                int i = 0;
                for (X509Certificate ca : cas.get()) {
                    store.setCertificateEntry("ca" + i++, ca);
                }
                factory.init(store);
            }
            return factory.getTrustManagers();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot set up the trusted CAs: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager defaultTrustManager(Optional<List<X509Certificate>> cas) {
        for (TrustManager manager : trustManagers(cas)) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("the JDK offers no X.509 trust manager");
    }

    /**
     * Checks the chain and nothing about the host. Extended, so that the JDK does not wrap it and add
     * the host-name check back.
     */
    private static final class ChainOnly extends X509ExtendedTrustManager {
        private final X509TrustManager delegate;

        ChainOnly(X509TrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }

    /** Accepts any server; extended for the same reason as {@link ChainOnly}. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client context does not verify clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("a client context does not verify clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("a client context does not verify clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
