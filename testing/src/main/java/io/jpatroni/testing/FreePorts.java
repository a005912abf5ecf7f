package io.jpatroni.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Ports the kernel just handed out for port 0, never the same twice in one JVM: fixed high ports
 * collide with the ephemeral range and with other runs on the same machine.
 */
public final class FreePorts {

    private static final Set<Integer> GIVEN = new HashSet<>();

    private FreePorts() {
    }

    public static synchronized int next() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket socket = new ServerSocket(0)) {
                socket.setReuseAddress(true);
                int port = socket.getLocalPort();
                if (GIVEN.add(port)) {
                    return port;
                }
            }
        }
        throw new IOException("no free port found");
    }
}
