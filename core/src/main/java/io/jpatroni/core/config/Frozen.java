package io.jpatroni.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Deep read-only copies of raw YAML values (null values allowed, unlike Map.copyOf). */
final class Frozen {

    private Frozen() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, ?> m) {
        return m == null ? Map.of() : (Map<String, Object>) value(m);
    }

    static Object value(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), value(x)));
            return Collections.unmodifiableMap(out);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(value(o));
            }
            return Collections.unmodifiableList(out);
        }
        return v;
    }
}
