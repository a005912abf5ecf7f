package io.jpatroni.core.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real certificates made with the openssl command for one test: a CA, a server certificate for
 * 127.0.0.1/localhost, a client certificate, a second CA nobody trusts, and the server key in every
 * PEM form jpatroni reads.
 */
public record TestCertificates(Path dir) {

    public static final String PASSWORD = "s3cret pass";

    public static TestCertificates create(Path dir) throws IOException, InterruptedException {
        TestCertificates c = new TestCertificates(dir);
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                + "extendedKeyUsage=serverAuth\n");
        Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        c.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
                "-subj", "/CN=jpatroni test CA");
        c.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca.key", "-out", "other-ca.crt",
                "-days", "2", "-subj", "/CN=untrusted CA");
        c.signed("server", "127.0.0.1", "ca");
        c.signed("server2", "127.0.0.1", "ca");
        c.signed("client", "jpatroni client", "ca");
        c.signed("stranger", "stranger", "other-ca");
        // the server key in the other encodings
        c.openssl("rsa", "-in", "server.key", "-traditional", "-out", "server-pkcs1.key");
        c.openssl("pkcs8", "-topk8", "-in", "server.key", "-v2", "aes-256-cbc", "-passout", "pass:" + PASSWORD,
                "-out", "server-pkcs8-encrypted.key");
        c.openssl("rsa", "-in", "server.key", "-traditional", "-aes256", "-passout", "pass:" + PASSWORD,
                "-out", "server-pkcs1-aes.key");
        c.openssl("rsa", "-in", "server.key", "-traditional", "-des3", "-passout", "pass:" + PASSWORD,
                "-out", "server-pkcs1-des3.key");
        Files.writeString(dir.resolve("server-combined.pem"), Files.readString(dir.resolve("server.crt"))
                + Files.readString(dir.resolve("server.key")));
        Files.writeString(dir.resolve("client-combined.pem"), Files.readString(dir.resolve("client.crt"))
                + Files.readString(dir.resolve("client.key")));
        // an EC key in SEC1 form, plain and traditionally encrypted, with a self-signed certificate
        c.openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec-sec1.key");
        c.openssl("ec", "-in", "ec-sec1.key", "-aes128", "-passout", "pass:" + PASSWORD, "-out", "ec-sec1-aes.key");
        c.openssl("req", "-x509", "-key", "ec-sec1.key", "-out", "ec.crt", "-days", "2", "-subj", "/CN=ec");
        c.openssl("genpkey", "-algorithm", "ed25519", "-out", "ed25519.key");
        c.openssl("req", "-x509", "-key", "ed25519.key", "-out", "ed25519.crt", "-days", "2", "-subj", "/CN=ed");
        return c;
    }

    public Path path(String name) {
        return dir.resolve(name);
    }

    private void signed(String name, String cn, String ca) throws IOException, InterruptedException {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", "/CN=" + cn);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "2", "-extfile", name.startsWith("server") ? "server.ext" : "client.ext");
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed:\n" + output);
        }
    }
}
