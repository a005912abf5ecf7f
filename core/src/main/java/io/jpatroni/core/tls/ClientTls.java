package io.jpatroni.core.tls;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The client side of the members' REST APIs (jpatronictl and member-to-member calls): the CA file
 * to verify servers with, the client certificate to present, and how strictly to check.
 */
public final class ClientTls {

    private ClientTls() {
    }

    /**
     * @param cacert   CAs for server certificates ({@code ctl.cacert}, else {@code restapi.cafile}); the JDK's without
     * @param certfile client certificate ({@code ctl.certfile}, else {@code restapi.certfile} as in Patroni 3.0.2)
     * @param insecure {@code ctl.insecure} / {@code -k}: with a client certificate the chain is still
     *                 verified but not the host name (as Patroni does); without one nothing is verified
     */
    public static SSLContext load(Optional<Path> cacert, Optional<Path> certfile, Optional<Path> keyfile,
                                  Optional<String> keyfilePassword, boolean insecure) throws TlsException {
        Optional<KeyMaterial> identity = Optional.empty();
        if (certfile.isPresent()) {
            identity = Optional.of(KeyMaterial.load("ctl", certfile.get(), keyfile, keyfilePassword));
        }
        Optional<List<X509Certificate>> cas = Optional.empty();
        if (cacert.isPresent()) {
            cas = Optional.of(PemFiles.certificates(cacert.get(), "ctl.cacert"));
        }
        TlsContexts.ServerCheck check = !insecure ? TlsContexts.ServerCheck.FULL
                : identity.isPresent() ? TlsContexts.ServerCheck.CHAIN_ONLY : TlsContexts.ServerCheck.NONE;
        return TlsContexts.client(identity, cas, check);
    }

    /**
     * For member-to-member status calls, which never verify the server (rest-api.md §2.4) but
     * present the client certificate so that {@code verify_client: required} peers answer.
     */
    public static SSLContext forPeers(Optional<Path> certfile, Optional<Path> keyfile,
                                      Optional<String> keyfilePassword) throws TlsException {
        Optional<KeyMaterial> identity = Optional.empty();
        if (certfile.isPresent()) {
            identity = Optional.of(KeyMaterial.load("ctl", certfile.get(), keyfile, keyfilePassword));
        }
        return TlsContexts.client(identity, Optional.empty(), TlsContexts.ServerCheck.NONE);
    }
}
