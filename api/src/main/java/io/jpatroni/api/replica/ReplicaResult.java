package io.jpatroni.api.replica;

import java.util.Objects;

/** How a replica or bootstrap method ended: success, or failure with a reason for the log. */
public record ReplicaResult(boolean succeeded, String detail) {

    public ReplicaResult {
        Objects.requireNonNull(detail, "detail");
    }

    public static ReplicaResult success() {
        return new ReplicaResult(true, "");
    }

    public static ReplicaResult failure(String reason) {
        return new ReplicaResult(false, reason);
    }
}
