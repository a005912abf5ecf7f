package io.jpatroni.plugin.example.callback;

import io.jpatroni.api.callback.CallbackEvent;
import io.jpatroni.api.callback.CallbackListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends one line per callback event ({@code <action> <role> <scope> <member>}) to the file named
 * by {@code example_callback.file} in patroni.yml. Small on purpose: it is the worked example of
 * docs/plugins.md (an extension, its configuration, its refusal of a bad value, its tests).
 */
@Extension
public class EventFileListener implements CallbackListener {

    static final String SECTION = "example_callback";
    private static final Logger LOG = LoggerFactory.getLogger(EventFileListener.class);

    private volatile Path file;

    @Override
    public void configure(Map<String, Object> settings) {
        Object section = settings.get(SECTION);
        if (!(section instanceof Map<?, ?> map) || !(map.get("file") instanceof String name) || name.isBlank()) {
            throw new IllegalArgumentException(SECTION + ".file is not set (got " + section + "); name the file"
                    + " events are appended to, e.g. example_callback: {file: /var/log/jpatroni/events.log}");
        }
        Path path = Path.of(name);
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException(SECTION + ".file: '" + name + "' is relative; give an absolute path");
        }
        file = path;
        LOG.info("appending callback events to {}", path);
    }

    @Override
    public synchronized void onEvent(CallbackEvent event) {
        Path target = file;
        if (target == null) {
            return; // not configured: the core always configures first, so only a misuse gets here
        }
        String line = String.join(" ", event.action(), event.role(), event.scope(), event.member()) + "\n";
        try {
            Files.writeString(target, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + target, e);
        }
    }
}
