package io.jpatroni.core.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON as Patroni stores it in the DCS ({@code json.dumps(..., separators=(',', ':'))}: no spaces,
 * non-ASCII escaped) and as Python's {@code json.loads} reads a request body (NaN and Infinity
 * accepted, nothing allowed after the value).
 */
public final class CompactJson {

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private CompactJson() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable as JSON: " + value, e);
        }
    }

    /** Any JSON value as maps (insertion-ordered), lists, strings, numbers, booleans and nulls. */
    public static Object read(String text) throws JsonProcessingException {
        JsonNode node = MAPPER.readTree(text);
        if (node == null || node.isMissingNode()) {
            throw new com.fasterxml.jackson.core.JsonParseException(null, "no JSON value");
        }
        return MAPPER.convertValue(node, Object.class);
    }

    /** A JSON object, or empty when the text is not one. */
    @SuppressWarnings("unchecked")
    public static java.util.Optional<Map<String, Object>> readObject(String text) {
        try {
            Object value = read(text);
            return value instanceof Map<?, ?> m
                    ? java.util.Optional.of(new LinkedHashMap<>((Map<String, Object>) m)) : java.util.Optional.empty();
        } catch (JsonProcessingException e) {
            return java.util.Optional.empty();
        }
    }
}
