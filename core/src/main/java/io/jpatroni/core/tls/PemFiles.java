package io.jpatroni.core.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Certificates and private keys from PEM files, as OpenSSL writes them, with the JDK only.
 * Private keys: PKCS#8 ({@code PRIVATE KEY}), encrypted PKCS#8 ({@code ENCRYPTED PRIVATE KEY}),
 * PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}), the last two also in
 * OpenSSL's traditional encrypted form (Proc-Type/DEK-Info headers). PKCS#1 and SEC1 are wrapped
 * into PKCS#8, the only encoding the JDK's key factories read.
 */
public final class PemFiles {

    /** Key and certificate files are small; a larger one is a mistake (or not a PEM file). */
    private static final long MAX_FILE = 1 << 20;
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);

    private static final byte[] RSA_ALGORITHM = Der.sequence(
            Der.encode(Der.OID, HexFormat.of().parseHex("2a864886f70d010101")), Der.encode(Der.NULL, new byte[0]));
    private static final byte[] EC_PUBLIC_KEY_OID = Der.encode(Der.OID, HexFormat.of().parseHex("2a8648ce3d0201"));
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "XDH", "RSASSA-PSS", "DSA");

    /** One PEM block: its label, its RFC 1421 headers (only traditional encrypted keys have any) and its bytes. */
    record Block(String label, Map<String, String> headers, byte[] der) {
    }

    private PemFiles() {
    }

    /**
     * Every certificate of {@code file} (a chain or a CA bundle), in file order.
     *
     * @param key the YAML key naming the file, for messages
     */
    public static List<X509Certificate> certificates(Path file, String key) throws TlsException {
        List<X509Certificate> out = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException(e);
        }
        for (Block block : blocks(file, key)) {
            if (!block.label().equals("CERTIFICATE") && !block.label().equals("TRUSTED CERTIFICATE")) {
                continue;
            }
            try {
                out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
            } catch (CertificateException e) {
                throw new TlsException(key, key + ": " + file + " holds a CERTIFICATE block that is not a valid"
                        + " X.509 certificate (" + e.getMessage() + "); write it again with openssl x509 -outform PEM");
            }
        }
        if (out.isEmpty()) {
            throw new TlsException(key, key + ": " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----);"
                    + " point " + key + " at a PEM certificate file");
        }
        return out;
    }

    /** Whether {@code file} holds a private key block of any kind. */
    public static boolean hasPrivateKey(Path file, String key) throws TlsException {
        return blocks(file, key).stream().anyMatch(b -> b.label().endsWith("PRIVATE KEY"));
    }

    /**
     * The first private key of {@code file}.
     *
     * @param password    the pass phrase of an encrypted key
     * @param key         the YAML key naming the file, for messages
     * @param passwordKey the YAML key of the pass phrase, for messages
     */
    public static PrivateKey privateKey(Path file, Optional<String> password, String key, String passwordKey)
            throws TlsException {
        for (Block block : blocks(file, key)) {
            switch (block.label()) {
                case "PRIVATE KEY":
                    return pkcs8(block.der(), file, key);
                case "ENCRYPTED PRIVATE KEY":
                    return pkcs8(decryptPkcs8(block.der(), needPassword(password, file, key, passwordKey), file, key,
                            passwordKey), file, key);
                case "RSA PRIVATE KEY":
                    return pkcs8(rsaToPkcs8(plain(block, password, file, key, passwordKey)), file, key);
                case "EC PRIVATE KEY":
                    return pkcs8(ecToPkcs8(plain(block, password, file, key, passwordKey), file, key), file, key);
                default:
                    if (block.label().endsWith("PRIVATE KEY")) {
                        throw new TlsException(key, key + ": " + file + " holds a '" + block.label()
                                + "' which jpatroni cannot read; convert it with openssl pkcs8 -topk8");
                    }
            }
        }
        throw new TlsException(key, key + ": " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----);"
                + " set restapi.keyfile / ctl.keyfile to the key's file or append the key to the certificate file");
    }

    static List<Block> blocks(Path file, String key) throws TlsException {
        String text;
        try {
            if (Files.size(file) > MAX_FILE) {
                throw new TlsException(key, key + ": " + file + " is larger than 1 MiB; it is not a PEM file");
            }
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new TlsException(key, key + ": " + file + " does not exist; fix the path or remove " + key);
        } catch (IOException e) {
            throw new TlsException(key, key + ": cannot read " + file + " (" + e + "); check the path and permissions"
                    + " (the file must be readable by the user running jpatroni)");
        }
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            Map<String, String> headers = new LinkedHashMap<>();
            StringBuilder base64 = new StringBuilder();
            for (String line : m.group(2).split("\\r?\\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
                } else {
                    base64.append(line.trim());
                }
            }
            try {
                out.add(new Block(m.group(1), headers, Base64.getDecoder().decode(base64.toString())));
            } catch (IllegalArgumentException e) {
                throw new TlsException(key, key + ": " + file + " has a '" + m.group(1)
                        + "' block that is not valid base64; the file is damaged");
            }
        }
        if (out.isEmpty()) {
            throw new TlsException(key, key + ": " + file + " is not a PEM file (no -----BEGIN ...----- block)");
        }
        return out;
    }

    private static String needPassword(Optional<String> password, Path file, String key, String passwordKey)
            throws TlsException {
        if (password.isEmpty()) {
            throw new TlsException(passwordKey, key + ": " + file + " is encrypted; set " + passwordKey
                    + " to its pass phrase");
        }
        return password.get();
    }

    private static PrivateKey pkcs8(byte[] der, Path file, String key) throws TlsException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException e) {
                // not this algorithm: try the next
            }
        }
        throw new TlsException(key, key + ": " + file + " holds a private key of an unsupported kind or a damaged one;"
                + " use an RSA, EC or Ed25519 key");
    }

    private static byte[] decryptPkcs8(byte[] der, String password, Path file, String key, String passwordKey)
            throws TlsException {
        EncryptedPrivateKeyInfo info;
        try {
            info = new EncryptedPrivateKeyInfo(der);
        } catch (IOException e) {
            throw new TlsException(key, key + ": " + file + " holds a damaged ENCRYPTED PRIVATE KEY");
        }
        // for PBES2 the parameters name the real scheme (e.g. PBEWithHmacSHA256AndAES_256); getAlgName() only says PBES2
        AlgorithmParameters parameters = info.getAlgParameters();
        String scheme = parameters == null ? info.getAlgName() : parameters.toString();
        Cipher cipher;
        try {
            SecretKeyFactory factory = SecretKeyFactory.getInstance(scheme);
            cipher = Cipher.getInstance(scheme);
            cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(password.toCharArray())), parameters);
        } catch (GeneralSecurityException e) {
            throw new TlsException(key, key + ": " + file + " is encrypted with " + scheme + ", which this JVM does not"
                    + " offer; re-encrypt it with openssl pkcs8 -topk8 -v2 aes-256-cbc");
        }
        try {
            return info.getKeySpec(cipher).getEncoded();
        } catch (InvalidKeySpecException e) {
            throw wrongPassword(file, key, passwordKey);
        }
    }

    /** The DER of a PKCS#1 or SEC1 block, decrypted first when it carries OpenSSL's Proc-Type/DEK-Info headers. */
    private static byte[] plain(Block block, Optional<String> password, Path file, String key, String passwordKey)
            throws TlsException {
        String procType = block.headers().get("Proc-Type");
        if (procType == null || !procType.contains("ENCRYPTED")) {
            return block.der();
        }
        String pass = needPassword(password, file, key, passwordKey);
        String dekInfo = block.headers().getOrDefault("DEK-Info", "");
        int comma = dekInfo.indexOf(',');
        if (comma < 0) {
            throw new TlsException(key, key + ": " + file + " is encrypted but its DEK-Info header is missing or"
                    + " damaged");
        }
        String algorithm = dekInfo.substring(0, comma).trim().toUpperCase(Locale.ROOT);
        byte[] iv;
        try {
            iv = HexFormat.of().parseHex(dekInfo.substring(comma + 1).trim());
        } catch (IllegalArgumentException e) {
            throw new TlsException(key, key + ": " + file + " has a damaged DEK-Info header");
        }
        TraditionalCipher tc = TraditionalCipher.of(algorithm).orElseThrow(() -> new TlsException(key, key + ": "
                + file + " is encrypted with " + algorithm + ", which jpatroni cannot decrypt; convert it with"
                + " openssl pkcs8 -topk8 -v2 aes-256-cbc"));
        if (iv.length != tc.ivLength()) {
            throw new TlsException(key, key + ": " + file + " has a DEK-Info IV of the wrong length");
        }
        try {
            byte[] secret = bytesToKey(pass.getBytes(StandardCharsets.UTF_8), iv, tc.keyLength());
            Cipher cipher = Cipher.getInstance(tc.transformation());
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(secret, tc.keyAlgorithm()), new IvParameterSpec(iv));
            byte[] der = cipher.doFinal(block.der());
            Der.children(der); // a wrong pass phrase that happens to unpad cleanly still yields no DER
            return der;
        } catch (javax.crypto.BadPaddingException | javax.crypto.IllegalBlockSizeException
                 | IllegalArgumentException e) {
            throw wrongPassword(file, key, passwordKey);
        } catch (GeneralSecurityException e) {
            throw new TlsException(key, key + ": cannot decrypt " + file + ": " + e.getMessage());
        }
    }

    /** OpenSSL's EVP_BytesToKey with MD5, one round, the first 8 bytes of the IV as salt: how traditional PEM derives keys. */
    private static byte[] bytesToKey(byte[] password, byte[] iv, int length) throws GeneralSecurityException {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        byte[] out = new byte[length];
        byte[] previous = new byte[0];
        int filled = 0;
        while (filled < length) {
            md5.update(previous);
            md5.update(password);
            md5.update(iv, 0, 8);
            previous = md5.digest();
            int n = Math.min(previous.length, length - filled);
            System.arraycopy(previous, 0, out, filled, n);
            filled += n;
        }
        return out;
    }

    private record TraditionalCipher(String transformation, String keyAlgorithm, int keyLength, int ivLength) {
        static Optional<TraditionalCipher> of(String name) {
            return Optional.ofNullable(switch (name) {
                case "AES-128-CBC" -> new TraditionalCipher("AES/CBC/PKCS5Padding", "AES", 16, 16);
                case "AES-192-CBC" -> new TraditionalCipher("AES/CBC/PKCS5Padding", "AES", 24, 16);
                case "AES-256-CBC" -> new TraditionalCipher("AES/CBC/PKCS5Padding", "AES", 32, 16);
                case "DES-EDE3-CBC" -> new TraditionalCipher("DESede/CBC/PKCS5Padding", "DESede", 24, 8);
                default -> null;
            });
        }
    }

    private static TlsException wrongPassword(Path file, String key, String passwordKey) {
        return new TlsException(passwordKey, passwordKey + " does not decrypt " + key + " (" + file
                + "): wrong pass phrase; set the pass phrase the key was encrypted with");
    }

    /** PrivateKeyInfo { version 0, rsaEncryption, OCTET STRING pkcs1 }. */
    static byte[] rsaToPkcs8(byte[] pkcs1) {
        return Der.sequence(Der.encode(Der.INTEGER, new byte[] {0}), RSA_ALGORITHM, Der.encode(Der.OCTET_STRING, pkcs1));
    }

    /** PrivateKeyInfo { version 0, { ecPublicKey, curve }, OCTET STRING sec1 }, the curve taken from SEC1's [0] field. */
    static byte[] ecToPkcs8(byte[] sec1, Path file, String key) throws TlsException {
        byte[] curve = null;
        try {
            for (Der.Element e : Der.children(sec1)) {
                if (e.tag() == 0xa0) {
                    curve = e.content(); // the explicit [0] holds the encoded named-curve OID
                }
            }
        } catch (IllegalArgumentException e) {
            curve = null;
        }
        if (curve == null) {
            throw new TlsException(key, key + ": " + file + " holds an EC PRIVATE KEY without its curve name;"
                    + " convert it with openssl pkcs8 -topk8 -nocrypt");
        }
        return Der.sequence(Der.encode(Der.INTEGER, new byte[] {0}), Der.sequence(EC_PUBLIC_KEY_OID, curve),
                Der.encode(Der.OCTET_STRING, sec1));
    }
}
