package io.jpatroni.plugin.dcs.consul;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.dcs.DcsException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsulDcsConfigTest {

    @Test
    void defaultsAreThoseOfPatroni() throws DcsException {
        ConsulDcsConfig c = ConsulDcsConfig.parse(Map.of());
        assertEquals(URI.create("http://127.0.0.1:8500"), c.endpoint());
        assertEquals(ConsulDcsConfig.Consistency.DEFAULT, c.consistency());
        assertEquals(List.of(), c.checks());
        assertFalse(c.registerService());
        assertEquals("5s", c.serviceCheckInterval());
        assertTrue(c.verify());
        assertEquals(Optional.empty(), c.token());
    }

    @Test
    void hostPortSchemeAndUrl() throws DcsException {
        assertEquals(URI.create("http://consul.local:8500"), ConsulDcsConfig.parse(Map.of("host", "consul.local")).endpoint());
        assertEquals(URI.create("http://consul.local:9500"),
                ConsulDcsConfig.parse(Map.of("host", "consul.local", "port", 9500)).endpoint());
        assertEquals(URI.create("https://10.0.0.5:8501"),
                ConsulDcsConfig.parse(Map.of("host", "10.0.0.5:8501", "scheme", "https")).endpoint());
        assertEquals(URI.create("http://[::1]:8500"), ConsulDcsConfig.parse(Map.of("host", "[::1]:8500")).endpoint());
        // url wins over host/port/scheme.
        assertEquals(URI.create("https://c.example:443"),
                ConsulDcsConfig.parse(Map.of("url", "https://c.example:443", "host", "x:1")).endpoint());
        assertEquals(URI.create("http://c.example:8500"), ConsulDcsConfig.parse(Map.of("url", "http://c.example")).endpoint());
        assertThrows(DcsException.class, () -> ConsulDcsConfig.parse(Map.of("url", "ftp://c")));
        assertThrows(DcsException.class, () -> ConsulDcsConfig.parse(Map.of("scheme", "gopher")));
    }

    @Test
    void listsBooleansAndModes() throws DcsException {
        ConsulDcsConfig c = ConsulDcsConfig.parse(Map.of("checks", List.of("serfHealth"), "register_service", "on",
                "service_tags", "a, b", "consistency", "stale", "service_check_interval", 15, "token", "t0k",
                "dc", "east", "verify", false));
        assertEquals(List.of("serfHealth"), c.checks());
        assertTrue(c.registerService());
        assertEquals(List.of("a", "b"), c.serviceTags());
        assertEquals(ConsulDcsConfig.Consistency.STALE, c.consistency());
        assertEquals(Optional.of("stale"), c.consistency().flag());
        assertEquals("15s", c.serviceCheckInterval());
        assertEquals(Optional.of("east"), c.dc());
        assertFalse(c.verify());
        assertFalse(c.toString().contains("t0k"), "the token must never be printed");
        // An unknown consistency falls back to default with a warning, as Patroni does.
        assertEquals(ConsulDcsConfig.Consistency.DEFAULT,
                ConsulDcsConfig.parse(Map.of("consistency", "eventual")).consistency());
        assertThrows(DcsException.class, () -> ConsulDcsConfig.parse(Map.of("service_check_interval", "often")));
    }

    @Test
    void durationsAsConsulWritesThem() {
        assertEquals("15s", Durations.seconds(Duration.ofSeconds(15)));
        assertEquals("2.5s", Durations.seconds(Duration.ofMillis(2500)));
        assertEquals("0.001s", Durations.seconds(Duration.ofMillis(1)));
        assertEquals(Optional.of(Duration.ofSeconds(10)), Durations.parse("10s"));
        assertEquals(Optional.of(Duration.ofHours(24)), Durations.parse("24h0m0s"));
        assertEquals(Optional.of(Duration.ofMillis(1500)), Durations.parse("1.5s"));
        assertEquals(Optional.of(Duration.ofMillis(100)), Durations.parse("100ms"));
        assertEquals(Optional.of(Duration.ofSeconds(7)), Durations.parse("7"));
        assertEquals(Optional.empty(), Durations.parse("soon"));
    }

    @Test
    void keysArePercentEncodedPerSegment() {
        assertEquals("kv/service/c/members/n%C3%B6de-1", ConsulHttp.encodePath("kv/service/c/members/nöde-1"));
        assertEquals("kv/a%20b/%3F%26", ConsulHttp.encodePath("kv/a b/?&"));
    }
}
