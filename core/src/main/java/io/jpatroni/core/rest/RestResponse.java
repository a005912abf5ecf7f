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

    /**
     * Patroni answers plain messages with text/html. Messages may quote the request (a filter name,
     * a member name), so markup characters are escaped: a browser shown the answer renders text,
     * never the caller's HTML. Ordinary messages are byte-identical to Patroni's.
     */
    static RestResponse text(int code, String message) {
        return new Body(code, "text/html", escapeMarkup(message).getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static String escapeMarkup(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
