package io.jpatroni.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.dcs.Member;
import io.jpatroni.core.cluster.MemberInfo;
import io.jpatroni.core.ha.PeerStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The peer probe against a real socket server: a normal status is read, a huge one is a failed probe. */
class PeerClientTest {

    private static final String STATUS = "{\"state\":\"running\",\"role\":\"replica\",\"timeline\":1,"
            + "\"xlog\":{\"received_location\":5000,\"replayed_location\":4000},\"tags\":{}";

    private ServerSocket server;
    private final AtomicLong sent = new AtomicLong();

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    /** Serves one JSON answer per connection: the status plus {@code padding} bytes of a dummy field. */
    private MemberInfo peer(int padding, boolean withLength) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    OutputStream out = s.getOutputStream();
                    long length = STATUS.length() + ",\"pad\":\"\"}".length() + (long) padding;
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                            + (withLength ? "Content-Length: " + length + "\r\n" : "Connection: close\r\n")
                            + "\r\n" + STATUS + ",\"pad\":\"").getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
                    for (int left = padding; left > 0; left -= chunk.length) {
                        out.write(chunk, 0, Math.min(left, chunk.length));
                        sent.addAndGet(Math.min(left, chunk.length));
                    }
                    out.write("\"}".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the client hung up: expected for the huge answers
                }
            }
        }, "fake-peer");
        t.setDaemon(true);
        t.start();
        String json = "{\"api_url\":\"http://127.0.0.1:" + server.getLocalPort() + "/patroni\",\"role\":\"replica\"}";
        return MemberInfo.decode(new Member("peer", json, 1, null));
    }

    @Test
    void aNormalStatusIsRead() throws Exception {
        PeerStatus status = new PeerClient().fetch(List.of(peer(1000, false))).get(0);
        assertTrue(status.usable(), status.toString());
        assertEquals(5000, status.walPosition());
    }

    @Test
    void aHugeStatusWithoutLengthIsAFailedProbe() throws Exception {
        PeerStatus status = new PeerClient().fetch(List.of(peer(32 << 20, false))).get(0);
        assertFalse(status.usable(), status.toString());
        assertTrue(sent.get() < 32 << 20, "the download was cut short, not read to the end: " + sent.get());
    }

    @Test
    void aHugeAnnouncedStatusIsAFailedProbe() throws Exception {
        PeerStatus status = new PeerClient().fetch(List.of(peer(1 << 20, true))).get(0);
        assertFalse(status.usable(), status.toString());
    }
}
