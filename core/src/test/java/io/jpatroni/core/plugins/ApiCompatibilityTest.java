package io.jpatroni.core.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiCompatibilityTest {

    @Test
    void rangesAdmitTheApiVersionsInsideThem() {
        assertTrue(ApiCompatibility.admits("^0.1.0", "0.1.0"));
        assertTrue(ApiCompatibility.admits("^0.1.0", "0.1.7"));
        assertFalse(ApiCompatibility.admits("^0.1.0", "0.2.0"), "0.x: the next minor breaks");
        assertTrue(ApiCompatibility.admits(">=0.1.0 & <0.2.0", "0.1.3"));
        assertFalse(ApiCompatibility.admits(">=0.1.0 & <0.2.0", "0.2.0"));
        assertTrue(ApiCompatibility.admits(">=0.1.0 <0.2.0", "0.1.0"), "npm's blank-separated form");
        assertFalse(ApiCompatibility.admits(">=0.1.0 <0.2.0", "0.0.9"));
        assertTrue(ApiCompatibility.admits("0.1.*", "0.1.4"));
        assertTrue(ApiCompatibility.admits("~0.1", "0.1.4"));
    }

    @Test
    void aBareVersionMustBeExactlyTheApiVersion() {
        assertTrue(ApiCompatibility.admits("0.1.0", "0.1.0"));
        assertTrue(ApiCompatibility.admits("=0.1.0", "0.1.0"));
        assertFalse(ApiCompatibility.admits("0.1.0", "0.1.1"));
        assertFalse(ApiCompatibility.admits("0.1.0-SNAPSHOT", "0.1.0"), "pinned to a core version that is not this one");
    }

    @Test
    void aPluginPinnedToExactlyTheRunningCoreIsStillLoaded() {
        assertTrue(ApiCompatibility.admits("0.1.0-SNAPSHOT", "0.1.0", "0.1.0-SNAPSHOT"));
        assertTrue(ApiCompatibility.admits("=0.3.2", "0.1.0", "0.3.2"));
        assertFalse(ApiCompatibility.admits("0.1.0-SNAPSHOT", "0.1.0", "0.2.0"));
    }

    @Test
    void refusalsNameBothVersionsAndTheFix() {
        String message = ApiCompatibility.problem(plugin("^0.2.0"), "0.1.0").orElseThrow();
        assertTrue(message.contains("plugin p 1.0.0"), message);
        assertTrue(message.contains("requires jpatroni plugin API ^0.2.0"), message);
        assertTrue(message.contains("offers plugin API 0.1.0"), message);
        assertTrue(message.contains("admits 0.1.0"), message);
        assertTrue(ApiCompatibility.problem(plugin(""), "0.1.0").orElseThrow().contains("no plugin.requires"));
        String garbage = ApiCompatibility.problem(plugin("lots!"), "0.1.0").orElseThrow();
        assertTrue(garbage.contains("plugin.requires=lots!, which is neither a version nor a version range"), garbage);
        assertEquals(java.util.Optional.empty(), ApiCompatibility.problem(plugin("^0.1.0"), "0.1.2"));
    }

    private static PluginDescriptor plugin(String requires) {
        return new PluginDescriptor("p", "1.0.0", requires, Set.of(), Set.of(), Path.of("/plugins/p-1.0.0.zip"));
    }
}
