package io.jpatroni.testing.consul;

import java.io.IOException;
import java.time.Duration;

/** {@link ConsulServerHandle} over an in-process {@link ConsulEmulator}. */
public final class EmulatedConsul implements ConsulServerHandle {

    private final ConsulEmulator emulator;

    private EmulatedConsul(ConsulEmulator emulator) {
        this.emulator = emulator;
    }

    /** An emulator whose session TTL minimum is {@code sessionTtlMin} (a real agent's default is 10 s). */
    public static EmulatedConsul launch(Duration sessionTtlMin) throws IOException {
        return new EmulatedConsul(ConsulEmulator.launch(ConsulEmulator.Options.defaults().withSessionTtlMin(sessionTtlMin)));
    }

    public static EmulatedConsul launch(ConsulEmulator.Options options) throws IOException {
        return new EmulatedConsul(ConsulEmulator.launch(options));
    }

    public ConsulEmulator emulator() {
        return emulator;
    }

    @Override
    public String hostPort() {
        return emulator.hostPort();
    }

    @Override
    public void stop() {
        emulator.stop();
    }

    @Override
    public void kill() {
        emulator.stop();
    }

    @Override
    public void start() throws IOException {
        emulator.start();
    }

    @Override
    public String describe() {
        return "Consul emulator at " + hostPort();
    }

    @Override
    public void close() {
        emulator.close();
    }
}
