package io.jpatroni.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/** Expected values were taken from running Patroni's own parse_int/parse_bool. */
class ValueParsersTest {

    private static OptionalLong pi(Object v, String unit) {
        return ValueParsers.parseInt(v, unit);
    }

    @Test
    void parseIntLikePatroni() {
        assertEquals(OptionalLong.of(30), pi(30, null));
        assertEquals(OptionalLong.of(30), pi("30", null));
        assertEquals(OptionalLong.empty(), pi("30s", null));
        assertEquals(OptionalLong.of(30), pi("30s", "s"));
        assertEquals(OptionalLong.of(60), pi("1min", "s"));
        assertEquals(OptionalLong.of(1536), pi("1.5GB", "MB"));
        assertEquals(OptionalLong.of(16), pi("0x10", null));
        assertEquals(OptionalLong.of(8), pi("010", null));
        assertEquals(OptionalLong.of(10), pi("10 MB", "MB"));
        assertEquals(OptionalLong.of(10), pi(" 10", null));
        assertEquals(OptionalLong.of(1000), pi("1e3", null));
        assertEquals(OptionalLong.empty(), pi(true, null));
        assertEquals(OptionalLong.of(4), pi(3.7, null));
        assertEquals(OptionalLong.of(4), pi("3.7", null));
        assertEquals(OptionalLong.of(16384), pi("16MB", "kB"));
        assertEquals(OptionalLong.of(0), pi("1kB", "MB"));
        assertEquals(OptionalLong.of(0), pi("512kB", "MB"));
        assertEquals(OptionalLong.of(2), pi("1500ms", "s"));
        assertEquals(OptionalLong.of(0), pi("500ms", "s"));
        assertEquals(OptionalLong.of(2), pi("2500ms", "s")); // half to even
        assertEquals(OptionalLong.of(-5), pi("-5", null));
        assertEquals(OptionalLong.of(5), pi("+5", null));
        assertEquals(OptionalLong.empty(), pi("10mb", "MB")); // units are case-sensitive
        assertEquals(OptionalLong.of(2), pi("1.5", null));
        assertEquals(OptionalLong.of(2), pi("2.5", null));
        assertEquals(OptionalLong.of(-2), pi("-1.5", null));
        assertEquals(OptionalLong.of(500), pi("0.5s", "ms"));
        assertEquals(OptionalLong.of(10), pi("10", "kB"));
        assertEquals(OptionalLong.of(1440), pi("1d", "min"));
        assertEquals(OptionalLong.of(1), pi("8kB", "8kB"));
        assertEquals(OptionalLong.of(64), pi("1GB", "16MB"));
        assertEquals(OptionalLong.of(1073741824L), pi("1GB", "B"));
        assertEquals(OptionalLong.of(1073741824L), pi("1TB", "kB"));
        assertEquals(OptionalLong.of(2), pi("1536B", "kB"));
        assertEquals(OptionalLong.empty(), pi("1s", "8kB")); // wrong kind of unit
        assertEquals(OptionalLong.empty(), pi("abc", null));
        assertEquals(OptionalLong.empty(), pi("", null));
        assertEquals(OptionalLong.empty(), pi(null, null));
        assertEquals(OptionalLong.empty(), pi("08", null));
        assertEquals(OptionalLong.empty(), pi("0X10", null));
        assertEquals(OptionalLong.of(-16), pi("-0x10", null));
        assertEquals(OptionalLong.of(512), pi(".5GB", "MB"));
        assertEquals(OptionalLong.of(2), pi("90s", "min"));
    }

    @Test
    void boolishLikePatroni() {
        for (Object t : List.of("on", "ON", "1", 1, "yes", true, "True")) {
            assertEquals(Optional.of(true), ValueParsers.boolish(t), String.valueOf(t));
        }
        for (Object f : List.of("off", "0", 0, "no", false, "False")) {
            assertEquals(Optional.of(false), ValueParsers.boolish(f), String.valueOf(f));
        }
        for (Object n : java.util.Arrays.asList("y", "t", "true ", 2, "2", null, 1.0)) {
            assertEquals(Optional.empty(), ValueParsers.boolish(n), String.valueOf(n));
        }
    }

    @Test
    void truthinessIsPython() {
        assertTrue(ValueParsers.truthy("false"));
        assertTrue(ValueParsers.truthy("off"));
        assertTrue(ValueParsers.truthy(1));
        assertTrue(ValueParsers.truthy(List.of(1)));
        assertFalse(ValueParsers.truthy(""));
        assertFalse(ValueParsers.truthy(0));
        assertFalse(ValueParsers.truthy(0.0));
        assertFalse(ValueParsers.truthy(null));
        assertFalse(ValueParsers.truthy(false));
        assertFalse(ValueParsers.truthy(Map.of()));
    }

    @Test
    void pythonIntForTiming() {
        assertEquals(OptionalLong.of(30), ValueParsers.pythonInt("30"));
        assertEquals(OptionalLong.of(30), ValueParsers.pythonInt(" 30 "));
        assertEquals(OptionalLong.of(30), ValueParsers.pythonInt(30.9));
        assertEquals(OptionalLong.of(1), ValueParsers.pythonInt(true));
        assertEquals(OptionalLong.empty(), ValueParsers.pythonInt("30s"));
        assertEquals(OptionalLong.empty(), ValueParsers.pythonInt("1.5"));
        assertEquals(OptionalLong.empty(), ValueParsers.pythonInt(null));
    }

    @Test
    void pythonStrRendering() {
        assertEquals("True", ValueParsers.pythonStr(true));
        assertEquals("None", ValueParsers.pythonStr(null));
        assertEquals("0.9", ValueParsers.pythonStr(0.9));
        assertEquals("1000.0", ValueParsers.pythonStr(1000.0));
        assertEquals("1e+16", ValueParsers.pythonStr(1e16));
        assertEquals("5", ValueParsers.pythonStr(5));
        assertEquals("['a', 1]", ValueParsers.pythonStr(List.of("a", 1)));
    }
}
