package io.jpatroni.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** YAML 1.1 scalars resolve as PyYAML's safe_load resolves them (config.md §2). */
class YamlTypingTest {

    private static Object value(String scalar) throws ConfigException {
        return ((Map<?, ?>) Yaml11.load("v: " + scalar, "t")).get("v");
    }

    @Test
    void booleansOfYaml11() throws Exception {
        for (String t : List.of("on", "On", "ON", "yes", "Yes", "YES", "true", "True", "TRUE")) {
            assertEquals(true, value(t), t);
        }
        for (String f : List.of("off", "Off", "OFF", "no", "No", "NO", "false", "False", "FALSE")) {
            assertEquals(false, value(f), f);
        }
        assertEquals("y", value("y"));
        assertEquals("n", value("n"));
        assertEquals("on", value("\"on\""));
        assertEquals("oN", value("oN"));
    }

    @Test
    void integersOfYaml11() throws Exception {
        assertEquals(488, value("0750"));
        assertEquals(420, value("0644"));
        assertEquals(31, value("0x1F"));
        assertEquals(90, value("1:30"));
        assertEquals(685230, value("190:20:30"));
        assertEquals(1000, value("1_000"));
        assertEquals(3, value("0b11"));
        assertEquals(12, value("+12"));
        assertEquals("08", value("08"));
        assertEquals("12:60", value("12:60"));
        assertEquals(5000000000L, value("5000000000"));
    }

    @Test
    void floatsNeedADot() throws Exception {
        assertEquals("1e3", value("1e3"));
        assertEquals("1.0e3", value("1.0e3")); // PyYAML wants a signed exponent
        assertEquals(1000.0, value("1.0e+3"));
        assertEquals(0.9, value("0.9"));
        assertEquals(0.5, value(".5"));
        assertEquals(90.5, value("1:30.5"));
    }

    @Test
    void nullsAndTimestamps() throws Exception {
        assertNull(value("~"));
        assertNull(value("null"));
        assertNull(value("Null"));
        assertNull(value(""));
        // timestamps stay as written, which is what Patroni writes back out
        assertEquals("2021-06-11 13:20:00", value("2021-06-11 13:20:00"));
        assertEquals("2021-06-11", value("2021-06-11"));
    }

    @Test
    void keysBecomeStringsAsPythonPrintsThem() throws Exception {
        Map<?, ?> m = (Map<?, ?>) Yaml11.load("1: a\non: b\n~: c\n", "t");
        assertEquals(Map.of("1", "a", "True", "b", "None", "c"), m);
    }

    @Test
    void mergeKeysAndDuplicateKeys() throws Exception {
        Map<?, ?> m = (Map<?, ?>) Yaml11.load("base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\nk: 1\nk: 2\n", "t");
        assertEquals(Map.of("x", 1, "y", 3), m.get("derived"));
        assertEquals(2, m.get("k")); // the last duplicate wins, as in PyYAML
    }

    @Test
    void badYamlNamesLineAndColumnButNotTheText() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Yaml11.load("scope: x\npostgresql:\n  password: \"hunter2\n  x: [\n", "/etc/patroni.yml"));
        String msg = e.getMessage();
        assertTrue(msg.startsWith("/etc/patroni.yml  is not valid YAML: line "), msg);
        assertTrue(!msg.contains("hunter2"), msg);
        ConfigException tab = assertThrows(ConfigException.class, () -> Yaml11.load("a:\n\tb: 1\n", "f.yml"));
        assertTrue(tab.getMessage().contains("line 2, column 1"), tab.getMessage());
    }

    @Test
    void unsafeTagsAreRefused() {
        assertThrows(ConfigException.class, () -> Yaml11.load("a: !!python/object:os.system [ls]\n", "t"));
        assertThrows(ConfigException.class, () -> Yaml11.load("a: !!javax.script.ScriptEngineManager []\n", "t"));
    }

    @Test
    void billionLaughsIsRefused() {
        StringBuilder sb = new StringBuilder("a: &a [x,x,x,x,x,x,x,x,x]\n");
        char prev = 'a';
        for (char c = 'b'; c <= 'k'; c++) {
            sb.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                sb.append(i == 0 ? "" : ",").append('*').append(prev);
            }
            sb.append("]\n");
            prev = c;
        }
        assertThrows(ConfigException.class, () -> Yaml11.load(sb.toString(), "t"));
    }
}
