package io.jpatroni.api.watchdog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code watchdog} section as a provider needs it.
 *
 * @param device  {@code watchdog.device}, default {@code /dev/watchdog}
 * @param options the section's other keys as written (besides mode, safety_margin and driver)
 */
public record WatchdogSettings(String device, Map<String, Object> options) {

    public WatchdogSettings {
        Objects.requireNonNull(device, "device");
        // YAML may hold null values, which Map.copyOf refuses
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }
}
