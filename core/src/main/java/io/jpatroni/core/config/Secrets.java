package io.jpatroni.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Which configuration keys hold secrets, and masked copies of maps for logging and toString(). */
public final class Secrets {

    public static final String MASK = "******";

    private Secrets() {
    }

    /** password, sslpassword, keyfile_password, key_password, token, auth_data and friends. */
    public static boolean isSecretKey(String key) {
        if (key == null) {
            return false;
        }
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.equals("token") || k.equals("auth_data") || k.equals("auth");
    }

    /** True if the last component of a dotted path (or any component) names a secret. */
    public static boolean isSecretPath(String path) {
        if (path == null) {
            return false;
        }
        for (String part : path.split("\\.")) {
            if (isSecretKey(part)) {
                return true;
            }
        }
        // bootstrap.users.<name>.* and legacy postgresql.<user> maps may only hold passwords of interest
        return false;
    }

    /** Deep copy of {@code value} with every secret-named entry replaced by {@link #MASK}. */
    public static Object mask(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), isSecretKey(String.valueOf(k)) && v != null ? MASK : mask(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                out.add(mask(o));
            }
            return out;
        }
        return value;
    }
}
