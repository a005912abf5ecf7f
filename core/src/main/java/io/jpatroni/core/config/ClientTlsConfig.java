package io.jpatroni.core.config;

import io.jpatroni.core.tls.ClientTls;
import io.jpatroni.core.tls.TlsException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * How this node and jpatronictl talk to members' REST APIs over HTTPS (rest-api.md §2.4): the CA
 * file is {@code ctl.cacert}, else {@code restapi.cafile}; the client certificate, key and pass
 * phrase are {@code ctl.*}, else (as in Patroni 3.0.2) the {@code restapi} ones.
 */
public record ClientTlsConfig(Optional<Path> cacert, Optional<Path> certfile, Optional<Path> keyfile,
                              Optional<String> keyfilePassword, boolean insecure) {

    public static ClientTlsConfig of(PatroniConfig config) {
        Map<String, Object> ctl = config.section("ctl");
        Map<String, Object> restapi = config.section("restapi");
        return new ClientTlsConfig(
                text(ctl, "cacert").or(() -> text(restapi, "cafile")).map(Path::of),
                text(ctl, "certfile").or(() -> text(restapi, "certfile")).map(Path::of),
                text(ctl, "keyfile").or(() -> text(restapi, "keyfile")).map(Path::of),
                text(ctl, "keyfile_password").or(() -> text(restapi, "keyfile_password")),
                ValueParsers.boolish(ctl.get("insecure")).orElse(false));
    }

    /** The same with {@code -k/--insecure} given on the command line. */
    public ClientTlsConfig insecure(boolean flag) {
        return new ClientTlsConfig(cacert, certfile, keyfile, keyfilePassword, insecure || flag);
    }

    /** For jpatronictl: verifies the servers unless insecure. */
    public SSLContext sslContext() throws TlsException {
        return ClientTls.load(cacert, certfile, keyfile, keyfilePassword, insecure);
    }

    /** For member-to-member status calls: presents the client certificate, does not verify the server. */
    public SSLContext peerContext() throws TlsException {
        return ClientTls.forPeers(certfile, keyfile, keyfilePassword);
    }

    private static Optional<String> text(Map<String, Object> section, String key) {
        Object v = section.get(key);
        return v instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
    }

    @Override
    public String toString() {
        return "ClientTlsConfig[cacert=" + cacert + ", certfile=" + certfile + ", keyfile=" + keyfile
                + ", keyfile_password=" + keyfilePassword.map(p -> "***") + ", insecure=" + insecure + "]";
    }
}
