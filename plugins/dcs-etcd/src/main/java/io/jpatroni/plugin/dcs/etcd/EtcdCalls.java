package io.jpatroni.plugin.dcs.etcd;

import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.support.Backoff;
import io.jpatroni.api.dcs.support.Deadline;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one etcd request with retries until a deadline (timing.md §2): backoff 0.1 s doubling
 * plus up to 0.8 s jitter, at most 1 s, each attempt bounded so that a silent peer cannot eat
 * the whole budget. Connection-type failures are retried; answers that will not change by
 * asking again (lease not found, permission denied, bad request) end the call at once.
 */
final class EtcdCalls {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdCalls.class);
    private static final Duration MIN_ATTEMPT = Duration.ofSeconds(1);

    /** etcd answered that the lease does not exist (expired or revoked). */
    static final class LeaseNotFound extends DcsException {
        LeaseNotFound(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** etcd answered, and asking again will not help (bad credentials, invalid request). */
    static final class Refused extends DcsException {
        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String endpoints;
    private final int endpointCount;
    private final Runnable beforeAttempt;

    /**
     * {@code beforeAttempt} runs before every attempt: it makes a disconnected transport try
     * again now rather than after its own backoff.
     */
    EtcdCalls(String endpoints, int endpointCount, Runnable beforeAttempt) {
        this.endpoints = endpoints;
        this.endpointCount = Math.max(1, endpointCount);
        this.beforeAttempt = beforeAttempt;
    }

    /**
     * One attempt may take this long: the budget split like Patroni splits it over endpoints
     * (1 endpoint: 3 tries, 2: 2 tries each, more: 1 try each), never less than 1 s.
     */
    Duration attemptTimeout(Duration retryTimeout) {
        int tries = endpointCount == 1 ? 3 : endpointCount == 2 ? 4 : endpointCount;
        Duration share = retryTimeout.dividedBy(tries);
        return share.compareTo(MIN_ATTEMPT) < 0 ? MIN_ATTEMPT : share;
    }

    <T> T call(String what, Deadline deadline, Duration retryTimeout, Supplier<CompletableFuture<T>> request)
            throws DcsException {
        Duration perAttempt = attemptTimeout(retryTimeout);
        Backoff backoff = new Backoff();
        Throwable last = null;
        int attempt = 0;
        while (true) {
            Duration remaining = deadline.remaining();
            if (remaining.isZero()) {
                throw unreachable(what, retryTimeout, attempt, last);
            }
            beforeAttempt.run();
            attempt++;
            Duration wait = remaining.compareTo(perAttempt) < 0 ? remaining : perAttempt;
            CompletableFuture<T> future;
            try {
                future = request.get();
            } catch (RuntimeException e) {
                // jetcd throws synchronously for a closed client and for bad arguments.
                throw classify(what, e).orElseThrow(() -> new DcsException(what + " failed: " + describe(e), e));
            }
            try {
                return future.get(wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new DcsException(what + " interrupted", e);
            } catch (TimeoutException e) {
                future.cancel(true);
                last = new TimeoutException("no answer within " + wait.toMillis() + " ms");
            } catch (ExecutionException | CompletionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                java.util.Optional<DcsException> fatal = classify(what, cause);
                if (fatal.isPresent()) {
                    throw fatal.get();
                }
                last = cause;
            } catch (java.util.concurrent.CancellationException e) {
                last = e;
            }
            LOG.debug("{}: attempt {} failed: {}", what, attempt, describe(last));
            backoff.pause(deadline, what);
        }
    }

    private DcsException unreachable(String what, Duration retryTimeout, int attempts, Throwable last) {
        String detail = last == null ? "no time left" : describe(last);
        return new DcsException(what + " failed: etcd (" + endpoints + ") did not answer within retry_timeout "
                + retryTimeout.toSeconds() + " s after " + attempts + " attempt(s): " + detail, last);
    }

    /** Answers that a retry cannot change; empty means "try again". */
    static java.util.Optional<DcsException> classify(String what, Throwable error) {
        Status.Code code = statusCode(error);
        String message = describe(error);
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("lease not found")) {
            return java.util.Optional.of(new LeaseNotFound(what + ": " + message, error));
        }
        if (lower.contains("auth token")) {
            // jetcd refreshes an expired token by itself; the next attempt carries the new one.
            return java.util.Optional.empty();
        }
        return switch (code) {
            case NOT_FOUND, PERMISSION_DENIED, UNAUTHENTICATED, INVALID_ARGUMENT, FAILED_PRECONDITION,
                    UNIMPLEMENTED, ALREADY_EXISTS, OUT_OF_RANGE ->
                    java.util.Optional.of(new Refused(what + " refused by etcd: " + message, error));
            default -> {
                if (error instanceof IllegalStateException || error instanceof IllegalArgumentException) {
                    yield java.util.Optional.of(new Refused(what + " failed: " + message, error));
                }
                yield java.util.Optional.empty();
            }
        };
    }

    private static Status.Code statusCode(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof EtcdException etcd && etcd.getErrorCode() != null) {
                try {
                    return Status.Code.valueOf(etcd.getErrorCode().name());
                } catch (IllegalArgumentException e) {
                    return Status.Code.UNKNOWN;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Status.fromThrowable(error).getCode();
    }

    static String describe(Throwable error) {
        if (error == null) {
            return "unknown error";
        }
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}
