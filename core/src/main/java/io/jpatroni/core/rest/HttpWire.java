package io.jpatroni.core.rest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * Byte-level rendering of a {@link RestResponse} in Patroni's HTTP/1.0 dialect (rest-api.md §1.2).
 * Every response is terminated by closing the connection, so bodies of the normal shape carry no
 * Content-Length.
 */
final class HttpWire {

    /** RFC 1123 with a two-digit day, as Python's http.server writes it. */
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private final String serverHeader;
    private final Clock clock;
    private final Map<String, String> extraHeaders;

    HttpWire(String serverHeader, Clock clock, Map<String, String> extraHeaders) {
        this.serverHeader = serverHeader;
        this.clock = clock;
        this.extraHeaders = Map.copyOf(extraHeaders);
    }

    byte[] encode(RestResponse response, boolean headRequest) {
        StringBuilder head = new StringBuilder(160);
        head.append("HTTP/1.0 ").append(response.code()).append(' ').append(HttpStatus.reason(response.code()))
                .append("\r\n");
        byte[] body;
        if (response instanceof RestResponse.Body b) {
            commonHeaders(head);
            header(head, "Content-Type", b.contentType());
            b.headers().forEach((k, v) -> header(head, k, v));
            extraHeaders.forEach((k, v) -> header(head, k, v));
            body = headRequest ? new byte[0] : b.body();
        } else if (response instanceof RestResponse.ErrorPage e) {
            byte[] page = errorPage(e.code());
            commonHeaders(head);
            header(head, "Connection", "close");
            header(head, "Content-Type", "text/html;charset=utf-8");
            header(head, "Content-Length", Integer.toString(page.length));
            body = headRequest ? new byte[0] : page;
        } else {
            body = new byte[0];
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(headBytes.length + body.length);
        out.writeBytes(headBytes);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private void commonHeaders(StringBuilder head) {
        header(head, "Server", serverHeader);
        header(head, "Date", DATE.format(clock.instant()));
    }

    private static void header(StringBuilder head, String name, String value) {
        head.append(name).append(": ").append(value).append("\r\n");
    }

    static byte[] errorPage(int code) {
        String title = code + " " + HttpStatus.reason(code);
        String html = "<!DOCTYPE html>\n<html><head><title>" + title + "</title></head>\n<body><h1>" + title
                + "</h1></body></html>\n";
        return html.getBytes(StandardCharsets.UTF_8);
    }
}
