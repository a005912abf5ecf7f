package io.jpatroni.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.callback.CallbackEvent;
import io.jpatroni.api.callback.CallbackListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallbacksTest {

    @Test
    void scriptsGetActionRoleScopeAndPluginsTheSameEvent(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("calls.log");
        Path script = write(dir.resolve("cb.sh"), "#!/bin/sh\necho \"$@\" >> " + log + "\n");
        List<CallbackEvent> received = new CopyOnWriteArrayList<>();
        CallbackListener plugin = received::add;
        try (Callbacks callbacks = new Callbacks(Map.of("on_role_change", script.toString()), "batman", "node1",
                List.of(plugin))) {
            callbacks.fire("on_role_change", "promoted");
            awaitTrue(() -> Files.exists(log) && !Files.readAllLines(log).isEmpty() && !received.isEmpty());
        }
        assertEquals(List.of("on_role_change primary batman"), Files.readAllLines(log),
                "promoted is reported as primary, arguments in Patroni's order");
        assertEquals(new CallbackEvent("on_role_change", "primary", "batman", "node1"), received.get(0));
    }

    @Test
    void aNewCallbackKillsTheOneStillRunningAndNeverWaits(@TempDir Path dir) throws Exception {
        Path started = dir.resolve("started");
        Path finished = dir.resolve("finished");
        Path script = write(dir.resolve("slow.sh"), "#!/bin/sh\necho \"$1\" >> " + started + "\nsleep 30\necho \"$1\" >> "
                + finished + "\n");
        try (Callbacks callbacks = new Callbacks(Map.of("on_start", script.toString(), "on_stop", script.toString()),
                "batman", "node1", List.of())) {
            long before = System.nanoTime();
            callbacks.fire("on_start", "replica");
            awaitTrue(() -> Files.exists(started) && Files.readAllLines(started).contains("on_start"));
            callbacks.fire("on_stop", "replica");
            assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(5), "firing never waits for a script");
            awaitTrue(() -> Files.readAllLines(started).contains("on_stop"));
        }
        assertTrue(!Files.exists(finished) || !Files.readAllLines(finished).contains("on_start"),
                "the slow on_start was killed when on_stop came");
    }

    @Test
    void aFailingPluginDoesNotStopTheOthers() throws Exception {
        List<CallbackEvent> received = new CopyOnWriteArrayList<>();
        CallbackListener broken = e -> {
            throw new IllegalStateException("boom");
        };
        try (Callbacks callbacks = new Callbacks(Map.of(), "s", "n", List.of(broken, received::add))) {
            callbacks.fire("on_reload", "replica");
            awaitTrue(() -> !received.isEmpty());
        }
    }

    private static Path write(Path path, String content) throws Exception {
        Files.writeString(path, content);
        path.toFile().setExecutable(true);
        return path;
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(Check check) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (check.holds()) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new AssertionError("condition not met within 10 s");
    }
}
