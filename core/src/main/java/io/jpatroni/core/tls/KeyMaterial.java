package io.jpatroni.core.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/**
 * A certificate chain and its private key, as {@code certfile}/{@code keyfile}/{@code keyfile_password}
 * name them (the key may sit in the certificate file, as Python's {@code load_cert_chain} allows).
 */
public record KeyMaterial(PrivateKey key, List<X509Certificate> chain) {

    private static final char[] IN_MEMORY = "jpatroni".toCharArray();

    public KeyMaterial {
        chain = List.copyOf(chain);
    }

    /**
     * Loads and checks the pair: the files exist and parse, the pass phrase decrypts the key, and the
     * key belongs to the first certificate.
     *
     * @param section {@code restapi} or {@code ctl}: the prefix of the YAML keys named in messages
     */
    public static KeyMaterial load(String section, Path certfile, Optional<Path> keyfile, Optional<String> password)
            throws TlsException {
        String certKey = section + ".certfile";
        String keyKey = keyfile.isPresent() ? section + ".keyfile" : certKey;
        List<X509Certificate> chain = PemFiles.certificates(certfile, certKey);
        Path keyPath = keyfile.orElse(certfile);
        if (keyfile.isEmpty() && !PemFiles.hasPrivateKey(certfile, certKey)) {
            throw new TlsException(section + ".keyfile", certKey + ": " + certfile + " holds no private key and "
                    + section + ".keyfile is not set; set " + section + ".keyfile to the key's PEM file");
        }
        PrivateKey key = PemFiles.privateKey(keyPath, password, keyKey, section + ".keyfile_password");
        if (!matches(key, chain.get(0))) {
            throw new TlsException(keyKey, keyKey + ": the private key in " + keyPath + " does not belong to the"
                    + " certificate in " + certfile + " (" + chain.get(0).getSubjectX500Principal().getName()
                    + "); configure the key that was used to create the certificate");
        }
        return new KeyMaterial(key, chain);
    }

    /** Key managers that always present this chain. */
    public KeyManager[] keyManagers() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("key", key, IN_MEMORY, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, IN_MEMORY);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot hold the key in memory: " + e.getMessage(), e);
        }
    }

    /** Signs a random challenge and verifies it with the certificate's public key. */
    static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            case "DSA" -> "SHA256withDSA";
            default -> null;
        };
        if (algorithm == null) {
            return key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm()); // the handshake will tell
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
