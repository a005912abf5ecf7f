package io.jpatroni.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Seeded random HTTP requests for the REST fuzz run: malformed request lines, odd methods and
 * versions, hostile paths and queries, many or broken headers, lying Content-Lengths, chunked
 * bodies and garbage. Write endpoints only ever get bodies that are not JSON, so a fuzz run cannot
 * restart, fail over or reconfigure the node it attacks (the node under test has no REST auth).
 */
final class HostileRequests {

    /** Endpoints that change something: an empty body there means "do it" (POST /restart restarts). */
    static final List<String> WRITE_ROUTES = List.of("/restart", "/reinitialize", "/switchover", "/failover",
            "/config", "/reload");
    private static final List<String> READ_ROUTES = List.of("/", "/health", "/liveness", "/readiness", "/primary",
            "/master", "/leader", "/replica", "/read-only", "/standby-leader", "/sync", "/async", "/patroni",
            "/cluster", "/history", "/config", "/metrics", "/nothing-here");
    private static final List<String> METHODS = List.of("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE",
            "TRACE", "CONNECT", "BREW", "get", "");
    private static final List<String> ODD_VERSIONS = List.of("HTTP/9.9", "HTTP/", "HTCPCP/1.0", "", "HTTP/1.1 x");
    private static final List<String> QUERY_VALUES = List.of("1", "-1", "99999999999999999999999", "1e400", "NaN",
            "%00", "%0d%0a", "<script>", "streaming", "", "1MB", "0x10");

    private final Random random;

    HostileRequests(long seed) {
        this.random = new Random(seed);
    }

    /** One request, as the bytes sent on a fresh connection. */
    byte[] next() {
        String method = pick(METHODS);
        boolean write = !method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS");
        String route = write && random.nextInt(3) == 0 ? pick(WRITE_ROUTES) : pick(READ_ROUTES);
        boolean writeRoute = WRITE_ROUTES.contains(route) && write;
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(path(route)).append(query()).append(' ').append(version())
                .append("\r\n");
        if (random.nextInt(10) != 0) {
            head.append("Host: x\r\n");
        }
        int headers = random.nextInt(10) == 0 ? 40 + random.nextInt(80) : random.nextInt(6);
        for (int i = 0; i < headers; i++) {
            head.append(headerLine(i));
        }
        byte[] body = body(writeRoute);
        head.append(lengthHeader(body.length, writeRoute));
        boolean endHeaders = random.nextInt(40) != 0; // now and then the header never ends
        if (endHeaders) {
            head.append("\r\n");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (endHeaders) {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    private String path(String route) {
        switch (random.nextInt(12)) {
            case 0:
                return route + "/../../etc/passwd";
            case 1:
                return route + "%00%0d%0aX-Injected: 1";
            case 2:
                return "/" + "a".repeat(1 + random.nextInt(20_000));
            case 3:
                return route + "/<img src=x>";
            case 4:
                return "*";
            case 5:
                return "http://evil.example" + route;
            default:
                return route;
        }
    }

    private String query() {
        int n = random.nextInt(4) == 0 ? random.nextInt(150) : random.nextInt(3);
        if (n == 0) {
            return "";
        }
        StringBuilder q = new StringBuilder("?");
        List<String> keys = List.of("lag", "tag_nofailover", "replication_state", "mode", "x", "role");
        for (int i = 0; i < n; i++) {
            q.append(i == 0 ? "" : "&").append(pick(keys)).append(i > 5 ? String.valueOf(i) : "").append('=')
                    .append(pick(QUERY_VALUES));
        }
        return q.toString();
    }

    private String version() {
        int n = random.nextInt(10);
        return n < 4 ? "HTTP/1.0" : n < 8 ? "HTTP/1.1" : pick(ODD_VERSIONS);
    }

    private String headerLine(int i) {
        switch (random.nextInt(20)) {
            case 0:
                return "X-Long-" + i + ": " + "v".repeat(random.nextInt(40_000)) + "\r\n";
            case 1:
                return "Bad Header\u0001: " + i + "\r\n";
            case 2:
                return "Authorization: Basic " + pick(List.of("", "!!!", "YTpi", "=".repeat(300))) + "\r\n";
            case 3:
                return "Expect: 100-continue\r\n";
            case 4:
                return ": no-name\r\n";
            case 5:
                return "X-Folded: a\r\n continued\r\n";
            default:
                return "X-H" + i + ": " + random.nextInt() + "\r\n";
        }
    }

    private String lengthHeader(int bodyLength, boolean writeRoute) {
        if (writeRoute) {
            return "Content-Length: " + bodyLength + "\r\n"; // never an empty body on a write route
        }
        switch (random.nextInt(8)) {
            case 0:
                return "Content-Length: " + (bodyLength + 1 + random.nextInt(5000)) + "\r\n"; // lies: longer
            case 1:
                return "Content-Length: " + pick(List.of("-1", "abc", "1, 2", "99999999999999999999", "2097152"))
                        + "\r\n";
            case 2:
                return "Transfer-Encoding: chunked\r\n";
            case 3:
                return "Content-Length: 3\r\nContent-Length: 7\r\n";
            default:
                return bodyLength == 0 ? "" : "Content-Length: " + bodyLength + "\r\n";
        }
    }

    private byte[] body(boolean writeRoute) {
        int length = writeRoute ? 1 + random.nextInt(2048) : random.nextInt(3) == 0 ? random.nextInt(4096) : 0;
        byte[] body = new byte[length];
        random.nextBytes(body);
        if (writeRoute) {
            body[0] = '#'; // never JSON, so never an instruction
        }
        return body;
    }

    private <T> T pick(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    /** What the server did with one request. */
    record Outcome(int code, String text, long millis) {
        boolean closedWithoutAnswer() {
            return code < 0;
        }
    }

    /** Sends {@code request} on a fresh connection and reads until the server closes or {@code waitMs} pass. */
    static Outcome send(int port, byte[] request, int waitMs) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(waitMs);
            long start = System.nanoTime();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[8192];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    got.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                return new Outcome(-2, got.toString(StandardCharsets.ISO_8859_1), waitMs);
            } catch (IOException e) {
                // the server cut the connection (it refused the request before reading all of it)
            }
            String text = got.toString(StandardCharsets.ISO_8859_1);
            long millis = (System.nanoTime() - start) / 1_000_000;
            return new Outcome(statusCode(text), text, millis);
        }
    }

    /** The first 300 bytes, line ends and control characters made visible. */
    static String shown(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(300, bytes.length); i++) {
            int b = bytes[i] & 0xff;
            out.append(b == '\r' ? "\\r" : b == '\n' ? "\\n" : b < 0x20 || b > 0x7e ? String.format("\\x%02x", b)
                    : String.valueOf((char) b));
        }
        return bytes.length > 300 ? out + "... (" + bytes.length + " bytes)" : out.toString();
    }

    private static int statusCode(String text) {
        if (!text.startsWith("HTTP/") || text.length() < 12) {
            return -1;
        }
        try {
            return Integer.parseInt(text.substring(9, 12));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
