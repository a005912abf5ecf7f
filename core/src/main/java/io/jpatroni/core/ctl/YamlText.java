package io.jpatroni.core.ctl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** YAML as patronictl prints it: keys sorted, width 200, unicode kept; block or flow style. */
final class YamlText {

    private YamlText() {
    }

    static String block(Object data) {
        return yaml(DumperOptions.FlowStyle.BLOCK).dump(sorted(data));
    }

    static String flow(Object data) {
        return yaml(DumperOptions.FlowStyle.FLOW).dump(sorted(data));
    }

    private static Yaml yaml(DumperOptions.FlowStyle style) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(style);
        options.setWidth(200);
        options.setAllowUnicode(true);
        options.setIndent(2);
        return new Yaml(options);
    }

    private static Object sorted(Object data) {
        if (data instanceof Map<?, ?> map) {
            Map<String, Object> copy = new TreeMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), sorted(v)));
            return copy;
        }
        if (data instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(sorted(v)));
            return copy;
        }
        return data;
    }
}
