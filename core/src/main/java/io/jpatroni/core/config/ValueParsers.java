package io.jpatroni.core.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Patroni's lenient value conversions (config.md §2): bool-ish parsing, Python truthiness,
 * integers with PostgreSQL units, and Python's {@code str()} rendering used when values are
 * compared or written out.
 */
public final class ValueParsers {

    private ValueParsers() {
    }

    /** {@code on/true/yes/1} → true, {@code off/false/no/0} → false (any case), booleans and 1/0 integers; else empty. */
    public static Optional<Boolean> boolish(Object value) {
        if (value instanceof Boolean b) {
            return Optional.of(b);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
            long n = ((Number) value).longValue();
            return n == 1 ? Optional.of(true) : n == 0 ? Optional.of(false) : Optional.empty();
        }
        if (value instanceof String s) {
            switch (s.toLowerCase(Locale.ROOT)) {
                case "on", "true", "yes", "1":
                    return Optional.of(true);
                case "off", "false", "no", "0":
                    return Optional.of(false);
                default:
                    return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Python truthiness: null, false, 0, 0.0, "" and empty collections are false; everything else (even "false") is true. */
    public static boolean truthy(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof BigDecimal d) {
            return d.signum() != 0;
        }
        if (value instanceof BigInteger i) {
            return i.signum() != 0;
        }
        if (value instanceof Double || value instanceof Float) {
            return ((Number) value).doubleValue() != 0.0;
        }
        if (value instanceof Number n) {
            return n.longValue() != 0;
        }
        if (value instanceof CharSequence s) {
            return s.length() > 0;
        }
        if (value instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        if (value instanceof List<?> l) {
            return !l.isEmpty();
        }
        return true;
    }

    private static final Pattern INT_PREFIX = Pattern.compile("^[+-]?(?:0x[0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)");
    private static final Pattern REAL_PREFIX = Pattern.compile("^[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
    private static final Pattern BASE_UNIT = Pattern.compile("^([0-9]*)([a-zA-Z]+)$");

    private enum Family { MEMORY, TIME }

    private record Unit(Family family, BigDecimal factor) {
    }

    private static Optional<Unit> unit(String name) {
        final BigDecimal k = BigDecimal.valueOf(1024);
        return Optional.ofNullable(switch (name) {
            case "B" -> new Unit(Family.MEMORY, BigDecimal.ONE);
            case "kB" -> new Unit(Family.MEMORY, k);
            case "MB" -> new Unit(Family.MEMORY, k.pow(2));
            case "GB" -> new Unit(Family.MEMORY, k.pow(3));
            case "TB" -> new Unit(Family.MEMORY, k.pow(4));
            case "us" -> new Unit(Family.TIME, BigDecimal.ONE);
            case "ms" -> new Unit(Family.TIME, BigDecimal.valueOf(1_000L));
            case "s" -> new Unit(Family.TIME, BigDecimal.valueOf(1_000_000L));
            case "min" -> new Unit(Family.TIME, BigDecimal.valueOf(60_000_000L));
            case "h" -> new Unit(Family.TIME, BigDecimal.valueOf(3_600_000_000L));
            case "d" -> new Unit(Family.TIME, BigDecimal.valueOf(86_400_000_000L));
            default -> null;
        });
    }

    /** A base unit such as {@code kB}, {@code 8kB}, {@code 16MB}, {@code ms}, {@code s}. */
    private static Optional<Unit> baseUnit(String name) {
        Matcher m = BASE_UNIT.matcher(name);
        if (!m.matches()) {
            return Optional.empty();
        }
        BigDecimal multiplier = m.group(1).isEmpty() ? BigDecimal.ONE : new BigDecimal(m.group(1));
        return unit(m.group(2)).map(u -> new Unit(u.family(), u.factor().multiply(multiplier)));
    }

    /**
     * Patroni's {@code parse_int}: decimal, {@code 0x} hex or leading-zero octal, optionally a
     * fraction, optionally followed by a (case-sensitive) unit which is converted to
     * {@code baseUnit}; the result is rounded half-to-even. A unit where the setting has no base
     * unit, an unknown unit, or a unit of the wrong kind gives empty. Booleans give empty.
     */
    public static OptionalLong parseInt(Object value, String baseUnit) {
        if (value == null || value instanceof Boolean) {
            return OptionalLong.empty();
        }
        if (value instanceof Integer || value instanceof Long) {
            return OptionalLong.of(((Number) value).longValue());
        }
        if (value instanceof BigInteger i) {
            return i.bitLength() < 64 ? OptionalLong.of(i.longValue()) : OptionalLong.empty();
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return OptionalLong.empty();
            }
            return round(new BigDecimal(d));
        }
        if (!(value instanceof String)) {
            return OptionalLong.empty();
        }
        String text = ((String) value).strip();
        Matcher integer = INT_PREFIX.matcher(text);
        if (integer.find()) {
            String digits = integer.group();
            String rest = text.substring(digits.length());
            if (!rest.isEmpty() && Character.isDigit(rest.charAt(0))) {
                return OptionalLong.empty(); // "08": not octal, not decimal either
            }
            OptionalLong r = withUnit(new BigDecimal(integerValue(digits)), text.substring(digits.length()).strip(), baseUnit);
            if (r.isPresent()) {
                return r;
            }
        }
        Matcher real = REAL_PREFIX.matcher(text);
        if (real.find()) {
            String number = real.group();
            BigDecimal parsed;
            try {
                parsed = new BigDecimal(number.startsWith("+") ? number.substring(1) : number);
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
            return withUnit(parsed, text.substring(number.length()).strip(), baseUnit);
        }
        return OptionalLong.empty();
    }

    private static BigInteger integerValue(String digits) {
        boolean negative = digits.startsWith("-");
        String body = digits.startsWith("-") || digits.startsWith("+") ? digits.substring(1) : digits;
        BigInteger v;
        if (body.startsWith("0x")) {
            v = new BigInteger(body.substring(2), 16);
        } else if (body.length() > 1 && body.startsWith("0")) {
            v = new BigInteger(body.substring(1), 8);
        } else {
            v = new BigInteger(body);
        }
        return negative ? v.negate() : v;
    }

    private static OptionalLong withUnit(BigDecimal number, String unitText, String baseUnit) {
        if (unitText.isEmpty()) {
            return round(number);
        }
        if (baseUnit == null) {
            return OptionalLong.empty();
        }
        Optional<Unit> given = unit(unitText);
        Optional<Unit> base = baseUnit(baseUnit);
        if (given.isEmpty() || base.isEmpty() || given.get().family() != base.get().family()) {
            return OptionalLong.empty();
        }
        BigDecimal converted = number.multiply(given.get().factor())
                .divide(base.get().factor(), 12, RoundingMode.HALF_EVEN);
        return round(converted);
    }

    private static OptionalLong round(BigDecimal d) {
        BigInteger r = d.setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
        return r.bitLength() < 64 ? OptionalLong.of(r.longValue()) : OptionalLong.empty();
    }

    private static final Pattern PY_INT_TEXT = Pattern.compile("[+-]?[0-9]+(?:_[0-9]+)*");

    /**
     * Python's {@code int(value)} as Patroni applies it to ttl/loop_wait/retry_timeout: integers,
     * booleans (1/0), floats truncated, strings of decimal digits (surrounding blanks allowed).
     * Anything else ({@code "30s"}, {@code "1.5"}, null, lists) gives empty.
     */
    public static OptionalLong pythonInt(Object value) {
        if (value instanceof Boolean b) {
            return OptionalLong.of(b ? 1 : 0);
        }
        if (value instanceof Integer || value instanceof Long) {
            return OptionalLong.of(((Number) value).longValue());
        }
        if (value instanceof BigInteger i) {
            return i.bitLength() < 64 ? OptionalLong.of(i.longValue()) : OptionalLong.empty();
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) ? OptionalLong.of((long) d) : OptionalLong.empty();
        }
        if (value instanceof String s) {
            String t = s.strip();
            if (PY_INT_TEXT.matcher(t).matches()) {
                try {
                    return OptionalLong.of(Long.parseLong(t.replace("_", "").replace("+", "")));
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    /** Python's {@code str()}: how Patroni compares values and writes them into postgresql.conf. */
    public static String pythonStr(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof Double d) {
            return pythonFloat(d);
        }
        if (value instanceof Float f) {
            return pythonFloat(f.doubleValue());
        }
        if (value instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            m.forEach((k, v) -> {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                sb.append(pythonRepr(k)).append(": ").append(pythonRepr(v));
            });
            return sb.append('}').toString();
        }
        if (value instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (Object o : l) {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                sb.append(pythonRepr(o));
            }
            return sb.append(']').toString();
        }
        return value.toString();
    }

    private static String pythonRepr(Object value) {
        if (value instanceof String s) {
            return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
        }
        return pythonStr(value);
    }

    private static String pythonFloat(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e16) {
            return new BigDecimal(d).toPlainString() + ".0";
        }
        String s = Double.toString(d);
        if (s.contains("E")) {
            BigDecimal bd = new BigDecimal(s);
            if (Math.abs(d) >= 1e-4 && Math.abs(d) < 1e16) {
                return bd.toPlainString();
            }
            String mantissa = s.substring(0, s.indexOf('E'));
            int exp = Integer.parseInt(s.substring(s.indexOf('E') + 1));
            if (mantissa.endsWith(".0")) {
                mantissa = mantissa.substring(0, mantissa.length() - 2);
            }
            return mantissa + "e" + (exp < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", Math.abs(exp));
        }
        return s;
    }

    /** How a value is shown in a problem message: strings quoted, null as {@code null}, collections in flow style. */
    static String describe(Object value) {
        String s;
        if (value == null) {
            s = "null";
        } else if (value instanceof String str) {
            s = '"' + escapeControls(str) + '"';
        } else if (value instanceof Boolean b) {
            s = b ? "true" : "false";
        } else if (value instanceof Map<?, ?> || value instanceof List<?>) {
            s = flow(value);
        } else {
            s = pythonStr(value);
        }
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }

    /** Control characters shown as escapes, so a hostile value cannot add lines to a log or a message. */
    static String escapeControls(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\0' -> sb.append("\\0");
                default -> {
                    if (Character.isISOControl(c)) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    private static String flow(Object value) {
        if (value instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            m.forEach((k, v) -> {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                sb.append(escapeControls(String.valueOf(k))).append(": ").append(flow(v));
            });
            return sb.append('}').toString();
        }
        if (value instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (Object o : l) {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                sb.append(flow(o));
            }
            return sb.append(']').toString();
        }
        return value == null ? "null" : value instanceof Boolean b ? (b ? "true" : "false") : escapeControls(pythonStr(value));
    }
}
