package io.jpatroni.plugin.dcs.zookeeper;

import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.support.Backoff;
import io.jpatroni.api.dcs.support.Deadline;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one ZooKeeper request until it gets an answer or {@code retry_timeout} runs out
 * (timing.md §2): backoff 0.1 s doubling plus up to 0.8 s jitter, at most 1 s.
 *
 * <p>As in Patroni, a request made while the client is not connected fails at once instead of
 * being queued until the connection is back; the retry then tries again while the budget lasts.
 * Every wait for an answer is bounded by the deadline, so a server that accepted the request
 * and went silent cannot hold the caller longer than {@code retry_timeout} either. Only
 * connection-type failures are retried; every other result code is the answer.
 */
final class ZkCalls {

    private static final Logger LOG = LoggerFactory.getLogger(ZkCalls.class);
    private static final long MIN_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final Set<Code> CONNECTION_CODES = Set.of(Code.CONNECTIONLOSS, Code.OPERATIONTIMEOUT,
            Code.SESSIONEXPIRED, Code.SESSIONMOVED, Code.RECONFIGINPROGRESS, Code.NEWCONFIGNOQUORUM);

    /** The current client handle (it changes when a session is replaced). */
    interface Handles {
        ZooKeeper current() throws Exception;

        /**
         * Whether the client has seen no disconnection since it last connected. The handle's own
         * state is not enough: it stays CONNECTED after the socket died until the client's
         * thread starts to reconnect, up to a second later.
         */
        boolean connected();

        /** Waits up to {@code nanos} for the client to be connected; true if it is. */
        boolean awaitConnected(long nanos) throws InterruptedException;
    }

    /** Sends one asynchronous request on {@code zk}; the callback completes {@code answer}. */
    @FunctionalInterface
    interface Request {
        void send(ZooKeeper zk, CompletableFuture<Answer> answer);
    }

    /**
     * What ZooKeeper answered: the result code and, depending on the request, the data, the
     * node's stat, children or the results of a multi; plus the session that asked.
     */
    record Answer(Code rc, byte[] data, Stat stat, List<String> children, List<OpResult> results, long session) {

        static Answer of(int rc) {
            return new Answer(Code.get(rc), null, null, null, null, 0);
        }

        Answer withData(byte[] bytes, Stat nodeStat) {
            return new Answer(rc, bytes, nodeStat, children, results, session);
        }

        Answer withStat(Stat nodeStat) {
            return new Answer(rc, data, nodeStat, children, results, session);
        }

        Answer withResults(List<OpResult> multi) {
            return new Answer(rc, data, stat, children, multi, session);
        }

        Answer inSession(long id) {
            return new Answer(rc, data, stat, children, results, id);
        }

        boolean ok() {
            return rc == Code.OK;
        }
    }

    private final String ensemble;
    private final Handles handles;

    ZkCalls(String ensemble, Handles handles) {
        this.ensemble = ensemble;
        this.handles = handles;
    }

    /** The id of a connected session, waiting (within the deadline) for the connection to come back. */
    long connectedSession(String what, Deadline deadline) throws DcsException {
        return run(what, deadline, null).session();
    }

    Answer call(String what, Deadline deadline, Request request) throws DcsException {
        return run(what, deadline, request);
    }

    private Answer run(String what, Deadline deadline, Request request) throws DcsException {
        Backoff backoff = new Backoff();
        String last = "no time left";
        int attempt = 0;
        while (true) {
            long remaining = deadline.remaining().toNanos();
            if (remaining <= 0) {
                throw new DcsException(what + " failed: ZooKeeper (" + ensemble + ") did not answer within retry_timeout"
                        + " after " + attempt + " attempt(s): " + last);
            }
            attempt++;
            ZooKeeper zk = null;
            try {
                zk = handles.current();
            } catch (Exception e) {
                last = "no client: " + e.getMessage();
            }
            if (zk != null && (zk.getState() != ZooKeeper.States.CONNECTED || !handles.connected())) {
                // Not queued: wait for the connection (not longer than a backoff step) and ask again.
                last = "not connected (" + zk.getState() + ")";
                try {
                    handles.awaitConnected(Math.min(remaining, Backoff.maxPause().toNanos()));
                    if (zk.getState() != ZooKeeper.States.CONNECTED || !handles.connected()) {
                        TimeUnit.NANOSECONDS.sleep(Math.min(MIN_PAUSE_NANOS, deadline.remaining().toNanos()));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DcsException(what + " interrupted", e);
                }
                continue;
            } else if (zk != null) {
                long session = zk.getSessionId();
                if (request == null) {
                    return Answer.of(Code.OK.intValue()).inSession(session);
                }
                CompletableFuture<Answer> answer = new CompletableFuture<>();
                try {
                    request.send(zk, answer);
                    Answer got = answer.get(remaining, TimeUnit.NANOSECONDS);
                    if (!CONNECTION_CODES.contains(got.rc())) {
                        return got.inSession(session);
                    }
                    last = got.rc().name();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DcsException(what + " interrupted", e);
                } catch (TimeoutException e) {
                    last = "no answer within " + TimeUnit.NANOSECONDS.toMillis(remaining) + " ms";
                } catch (ExecutionException | RuntimeException e) {
                    // The client refuses requests synchronously when it is closing.
                    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                    last = cause.toString();
                }
            }
            LOG.debug("{}: attempt {} failed: {}", what, attempt, last);
            backoff.pause(deadline, what);
        }
    }
}
