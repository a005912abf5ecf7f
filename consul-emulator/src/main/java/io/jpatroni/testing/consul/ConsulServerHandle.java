package io.jpatroni.testing.consul;

import java.io.IOException;

/**
 * A Consul HTTP endpoint for tests, emulated or real, so that one test class can run against
 * either ({@link EmulatedConsul}, {@link ConsulAgentProcess}).
 */
public interface ConsulServerHandle extends AutoCloseable {

    /** {@code 127.0.0.1:<port>} of the HTTP API. */
    String hostPort();

    /** Takes the server away gracefully (listener closed, connections dropped). */
    void stop();

    /** Takes the server away abruptly (SIGKILL for a real agent). */
    void kill();

    /**
     * Brings the server back on the same port. The emulator keeps its data; a real
     * {@code -dev} agent starts empty (its state lives in memory only).
     */
    void start() throws IOException, InterruptedException;

    /** What kind of server this is, for test names and skip messages. */
    String describe();

    @Override
    void close();
}
