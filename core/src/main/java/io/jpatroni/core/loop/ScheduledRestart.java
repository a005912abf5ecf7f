package io.jpatroni.core.loop;

import io.jpatroni.core.rest.NodeOperations.RestartRequest;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/** A restart requested for later (rest-api.md §7.2), kept in memory and published in the member key. */
record ScheduledRestart(OffsetDateTime at, RestartRequest request, String postmasterStartTime) {

    /** As /patroni and the member key show it: {@code schedule} plus the filters that were given. */
    Map<String, Object> document() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schedule", at.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        doc.put("postmaster_start_time", postmasterStartTime);
        request.role().ifPresent(r -> doc.put("role", r));
        request.postgresVersion().ifPresent(v -> doc.put("postgres_version", v));
        request.timeout().ifPresent(t -> doc.put("timeout", t.toSeconds()));
        if (request.onlyIfPendingRestart()) {
            doc.put("restart_pending", true);
        }
        return doc;
    }
}
