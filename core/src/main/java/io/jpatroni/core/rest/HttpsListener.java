package io.jpatroni.core.rest;

import io.jpatroni.core.tls.ServerTls;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.SSLSessionInfo;
import java.util.Optional;
import org.xnio.Options;
import org.xnio.Sequence;
import org.xnio.SslClientAuthMode;

/** The listener of {@link RestServer}: plain HTTP, or HTTPS with the client-certificate policy of verify_client. */
final class HttpsListener {

    private HttpsListener() {
    }

    static Undertow.Builder add(Undertow.Builder builder, int port, String bind, Optional<ServerTls> tls) {
        if (tls.isEmpty()) {
            return builder.addHttpListener(port, bind);
        }
        ServerTls t = tls.get();
        builder.addHttpsListener(port, bind, t.context());
        builder.setSocketOption(Options.SSL_CLIENT_AUTH_MODE, switch (t.clientAuth()) {
            case NONE -> SslClientAuthMode.NOT_REQUESTED;
            case OPTIONAL -> SslClientAuthMode.REQUESTED;
            case REQUIRED -> SslClientAuthMode.REQUIRED;
        });
        t.cipherSuites().ifPresent(suites -> builder.setSocketOption(Options.SSL_ENABLED_CIPHER_SUITES,
                Sequence.of(suites)));
        return builder;
    }

    /**
     * The TLS peer presented a certificate that the handshake verified. With verify_client
     * optional, an unverifiable certificate already fails the handshake, so presence means verified.
     */
    static boolean verifiedClientCertificate(HttpServerExchange exchange) {
        SSLSessionInfo info = exchange.getConnection().getSslSessionInfo();
        if (info == null) {
            return false;
        }
        try {
            java.security.cert.Certificate[] chain = info.getPeerCertificates();
            return chain != null && chain.length > 0;
        } catch (javax.net.ssl.SSLPeerUnverifiedException | io.undertow.server.RenegotiationRequiredException e) {
            return false;
        }
    }
}
