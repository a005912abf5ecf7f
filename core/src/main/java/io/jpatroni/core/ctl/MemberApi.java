package io.jpatroni.core.ctl;

import java.io.IOException;
import java.util.Optional;

/**
 * jpatronictl's calls to a member's REST API (patronictl.md §1.3): the request goes to the
 * member's {@code api_url} with the path replaced by the endpoint; bodies are JSON.
 */
public interface MemberApi {

    /** The status code and the body text of an answer. */
    record Response(int status, String body) {
    }

    /**
     * @param apiUrl   the member's published {@code api_url}
     * @param method   {@code GET}, {@code POST}, {@code PATCH}, {@code DELETE}
     * @param endpoint path without the leading slash, e.g. {@code switchover}
     * @param json     request body, if any
     * @throws IOException when the member cannot be reached or does not answer
     */
    Response call(String apiUrl, String method, String endpoint, Optional<String> json)
            throws IOException, InterruptedException;
}
