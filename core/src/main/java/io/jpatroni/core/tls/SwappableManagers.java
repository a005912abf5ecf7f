package io.jpatroni.core.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A key manager and a trust manager whose targets can be replaced while the listener runs, so
 * that a SIGHUP picks up a rotated certificate or CA file for new connections without rebinding
 * the port (Patroni rebuilds its listener; the effect for clients is the same).
 */
final class SwappableManagers {

    private final AtomicReference<X509ExtendedKeyManager> keys = new AtomicReference<>();
    private final AtomicReference<X509ExtendedTrustManager> trust = new AtomicReference<>();

    SwappableManagers(KeyManager[] keyManagers, TrustManager[] trustManagers) {
        set(keyManagers, trustManagers);
    }

    void set(KeyManager[] keyManagers, TrustManager[] trustManagers) {
        X509ExtendedKeyManager key = null;
        for (KeyManager k : keyManagers) {
            if (k instanceof X509ExtendedKeyManager x) {
                key = x;
            }
        }
        X509ExtendedTrustManager tm = null;
        for (TrustManager t : trustManagers) {
            if (t instanceof X509ExtendedTrustManager x) {
                tm = x;
            }
        }
        if (key == null || tm == null) {
            throw new IllegalStateException("the JDK offers no extended X.509 key or trust manager");
        }
        keys.set(key);
        trust.set(tm);
    }

    /** Takes over {@code other}'s current key and trust managers. */
    void copyFrom(SwappableManagers other) {
        keys.set(other.keys.get());
        trust.set(other.trust.get());
    }

    KeyManager[] keyManagers() {
        return new KeyManager[] {new KeyDelegate()};
    }

    TrustManager[] trustManagers() {
        return new TrustManager[] {new TrustDelegate()};
    }

    private final class KeyDelegate extends X509ExtendedKeyManager {
        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return keys.get().getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return keys.get().chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return keys.get().getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return keys.get().chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return keys.get().chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return keys.get().chooseEngineClientAlias(keyType, issuers, engine);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.get().getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.get().getPrivateKey(alias);
        }
    }

    private final class TrustDelegate extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            trust.get().checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            trust.get().checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            trust.get().checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            trust.get().checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            trust.get().checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            trust.get().checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return trust.get().getAcceptedIssuers();
        }
    }
}
