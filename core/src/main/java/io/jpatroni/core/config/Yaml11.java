package io.jpatroni.core.config;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * YAML 1.1 scalar resolution as PyYAML's {@code safe_load} does it (config.md §2): {@code on/off/yes/no}
 * booleans, {@code 0750} octal, {@code 1:30} sexagesimal, floats only with a dot ({@code 1e3} stays a
 * string). Timestamps are left as the text written, which is what Patroni writes back out.
 * Mapping keys become strings the way Python's {@code str()} renders them.
 */
final class Yaml11 {

    private Yaml11() {
    }

    // YAML 1.1 int: binary, octal (leading 0), decimal, hex, sexagesimal; underscores allowed.
    private static final Pattern PY_INT = Pattern.compile(
            "^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$");
    // YAML 1.1 float as PyYAML reads it: a dot is required; an exponent needs its sign.
    private static final Pattern PY_FLOAT = Pattern.compile(
            "^(?:[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9_]+(?:[eE][-+][0-9]+)?"
                    + "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$");

    // Named PY_*: inside the Resolver subclass the inherited INT/FLOAT would shadow same-named fields.
    private static final class PyYamlResolver extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO");
            addImplicitResolver(Tag.INT, PY_INT, "-+0123456789");
            addImplicitResolver(Tag.FLOAT, PY_FLOAT, "-+0123456789.");
            addImplicitResolver(Tag.MERGE, MERGE, "<");
            addImplicitResolver(Tag.NULL, NULL, "~nN\0");
            addImplicitResolver(Tag.NULL, EMPTY, null);
        }
    }

    private static Yaml newYaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // PyYAML: the last one wins
        options.setMaxAliasesForCollections(50);
        options.setNestingDepthLimit(50);
        options.setCodePointLimit(4 * 1024 * 1024);
        options.setAllowRecursiveKeys(false);
        DumperOptions dumper = new DumperOptions();
        return new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options, new PyYamlResolver());
    }

    /**
     * Parses one YAML document; {@code source} names it in error messages (a file path or a variable name).
     * The value is normalised to String-keyed LinkedHashMaps and ArrayLists.
     */
    static Object load(String text, String source) throws ConfigException {
        Object parsed;
        try {
            parsed = newYaml().load(text);
        } catch (MarkedYAMLException e) {
            throw ConfigException.of(source, "", "is not valid YAML: " + describe(e));
        } catch (YAMLException e) {
            // Unmarked errors (limits exceeded, unknown tags...). Their text carries no document content.
            throw ConfigException.of(source, "", "is not valid YAML: " + firstLine(e.getMessage()));
        }
        return normalise(parsed);
    }

    // The snippet SnakeYAML adds to its message may quote a password, so only the problem and position are used.
    private static String describe(MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        StringBuilder sb = new StringBuilder();
        if (mark != null) {
            sb.append("line ").append(mark.getLine() + 1).append(", column ").append(mark.getColumn() + 1).append(": ");
        }
        if (e.getContext() != null) {
            sb.append(e.getContext());
            if (e.getProblem() != null) {
                sb.append(", ");
            }
        }
        if (e.getProblem() != null) {
            sb.append(e.getProblem());
        }
        return sb.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable document";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    static Object normalise(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k instanceof String s ? s : ValueParsers.pythonStr(k), normalise(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(normalise(o));
            }
            return out;
        }
        if (value instanceof BigInteger i && i.bitLength() < 64) {
            return i.longValue();
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
        if (value instanceof java.util.Set<?> set) {
            // !!set: Python gives a set; a list is the closest useful shape here
            return normalise(new ArrayList<>(set));
        }
        return value;
    }
}
