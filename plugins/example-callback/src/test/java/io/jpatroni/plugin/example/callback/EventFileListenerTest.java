package io.jpatroni.plugin.example.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.callback.CallbackEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventFileListenerTest {

    @Test
    void eventsAreAppendedOneLineEach(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("events.log");
        EventFileListener listener = new EventFileListener();
        listener.configure(Map.of("example_callback", Map.of("file", file.toString())));
        listener.onEvent(new CallbackEvent("on_start", "replica", "demo", "n1"));
        listener.onEvent(new CallbackEvent("on_role_change", "primary", "demo", "n1"));
        assertEquals("on_start replica demo n1\non_role_change primary demo n1\n", Files.readString(file));
    }

    @Test
    void aMissingOrRelativeFileIsRefusedNamingTheKey() {
        EventFileListener listener = new EventFileListener();
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> listener.configure(Map.of("example_callback", Map.of())));
        assertTrue(missing.getMessage().startsWith("example_callback.file is not set"), missing.getMessage());
        IllegalArgumentException relative = assertThrows(IllegalArgumentException.class,
                () -> listener.configure(Map.of("example_callback", Map.of("file", "events.log"))));
        assertTrue(relative.getMessage().contains("'events.log' is relative"), relative.getMessage());
    }
}
