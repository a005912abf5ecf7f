package io.jpatroni.api.plugin;

import java.time.Clock;

/** What the core hands every plugin: time, identity and the API version it was built against. */
public record PluginContext(Clock clock, String nodeName, String scope, String apiVersion) {
}
