package io.jpatroni.core.rest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The request-body rules of rest-api.md §1.4: a JSON object read from exactly Content-Length
 * bytes. Refusals are thrown as {@link RestError}s carrying Patroni's error pages.
 */
final class JsonBody {

    private JsonBody() {
    }

    /** switchover, failover, config: a non-empty object; 411 without Content-Length, 400 otherwise. */
    static Map<String, Object> required(RestRequest request) {
        if (request.header().apply("Content-Length").isEmpty()) {
            throw new RestError(new RestResponse.ErrorPage(411));
        }
        Map<String, Object> body = parse(request);
        if (body.isEmpty()) {
            throw new RestError(new RestResponse.ErrorPage(400));
        }
        return body;
    }

    /** restart, reinitialize: no Content-Length or a zero one means {@code {}}. */
    static Map<String, Object> optional(RestRequest request) {
        Optional<String> length = request.header().apply("Content-Length");
        if (length.isEmpty() || "0".equals(length.get().trim())) {
            return new LinkedHashMap<>();
        }
        return parse(request);
    }

    private static Map<String, Object> parse(RestRequest request) {
        byte[] bytes = request.body().orElseThrow(() -> new RestError(new RestResponse.ErrorPage(400)));
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new RestError(new RestResponse.ErrorPage(400));
        }
        return CompactJson.readObject(text).orElseThrow(() -> new RestError(new RestResponse.ErrorPage(400)));
    }
}
