package io.jpatroni.core.rest;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The three response shapes Patroni's server produces (rest-api.md §1.2). Handlers return one of
 * these; {@link HttpWire} turns it into bytes.
 */
public sealed interface RestResponse {

    int code();

    /** {@code HTTP/1.0 <code> <reason>} and nothing else: what HAProxy checks and HEAD/OPTIONS get. */
    record StatusOnly(int code) implements RestResponse {
    }

    /** Status line, Server, Date, Content-Type, extra headers, body until connection close. */
    record Body(int code, String contentType, byte[] body, Map<String, String> headers) implements RestResponse {
        public Body {
            headers = Map.copyOf(headers);
        }
    }

    /** A generic HTML error document with Content-Length and Connection: close; clients rely only on the code. */
    record ErrorPage(int code) implements RestResponse {
    }

    static RestResponse json(int code, String json) {
        return new Body(code, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** Patroni answers plain messages with text/html. */
    static RestResponse text(int code, String message) {
        return new Body(code, "text/html", message.getBytes(StandardCharsets.UTF_8), Map.of());
    }
}
