package io.jpatroni.core.rest;

import io.jpatroni.core.config.ValueParsers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Patroni's way of changing the dynamic configuration (rest-api.md §6): a deep merge in which
 * {@code null} deletes a key, objects merge into objects, and any other value replaces the old
 * one only when their Python string forms differ ({@code "5"} and {@code 5} are the same).
 */
public final class ConfigPatch {

    private ConfigPatch() {
    }

    /** Merges {@code patch} into {@code target} in place; true if anything changed. */
    @SuppressWarnings("unchecked")
    public static boolean apply(Map<String, Object> target, Map<String, Object> patch) {
        boolean changed = false;
        for (Map.Entry<String, Object> e : patch.entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            if (value == null) {
                changed |= target.remove(key) != null;
            } else if (!target.containsKey(key)) {
                target.put(key, copy(value));
                changed = true;
            } else if (value instanceof Map<?, ?> map) {
                if (target.get(key) instanceof Map<?, ?> old) {
                    Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) old);
                    if (apply(merged, (Map<String, Object>) map)) {
                        target.put(key, merged);
                        changed = true;
                    }
                } else {
                    target.put(key, copy(value));
                    changed = true;
                }
            } else if (!ValueParsers.pythonStr(target.get(key)).equals(ValueParsers.pythonStr(value))) {
                target.put(key, value);
                changed = true;
            }
        }
        return changed;
    }

    /** Same keys everywhere and leaves equal in their string forms (PUT /config's comparison). */
    public static boolean deepEquals(Object a, Object b) {
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            if (!ma.keySet().equals(mb.keySet())) {
                return false;
            }
            for (Object key : ma.keySet()) {
                if (!deepEquals(ma.get(key), mb.get(key))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> || b instanceof Map<?, ?>) {
            return false;
        }
        return ValueParsers.pythonStr(a).equals(ValueParsers.pythonStr(b));
    }

    /** A deep, mutable copy of a JSON-like value. */
    @SuppressWarnings("unchecked")
    public static Object copy(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), copy(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            return new java.util.ArrayList<>(list.stream().map(ConfigPatch::copy).toList());
        }
        return value;
    }

    /** A deep, mutable copy of a configuration object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> copyMap(Map<String, Object> config) {
        return (Map<String, Object>) copy(config);
    }
}
