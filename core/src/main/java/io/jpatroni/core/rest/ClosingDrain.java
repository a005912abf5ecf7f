package io.jpatroni.core.rest;

import io.undertow.server.AbstractServerConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSourceChannel;

/**
 * Closes a connection whose answer has been sent (and its write side shut) while the client may
 * still be sending a body we will not read. Closing a socket with unread bytes makes the kernel
 * send a reset, which can destroy the answer before the client has read it; so the remaining bytes
 * are read and thrown away, on the IO thread, until the client closes, for at most
 * {@link #WINDOW_MILLIS} and {@link #BUDGET_BYTES}. A client that keeps sending past either bound
 * gets the reset: it was told the answer and the end of the stream already.
 */
final class ClosingDrain implements ChannelListener<StreamSourceChannel> {

    /** Long enough for a few MiB on any LAN; short enough that a flood of these costs nothing lasting. */
    static final long WINDOW_MILLIS = 1_000;
    /** Twice the largest body we accept, so an honest client's oversized body is always consumed. */
    static final long BUDGET_BYTES = 4L << 20;

    private final AbstractServerConnection connection;
    private final StreamSourceChannel source;
    private final ByteBuffer scratch = ByteBuffer.allocate(8 * 1024);
    private XnioExecutor.Key timer;
    private long drained;
    private boolean closed;

    private ClosingDrain(AbstractServerConnection connection, StreamSourceChannel source) {
        this.connection = connection;
        this.source = source;
    }

    /** Must be called on the connection's IO thread, after the answer was written. */
    static void start(AbstractServerConnection connection) {
        StreamSourceChannel source = connection.getChannel().getSourceChannel();
        if (source == null || !connection.isOpen()) {
            IoUtils.safeClose(connection);
            return;
        }
        ClosingDrain drain = new ClosingDrain(connection, source);
        drain.timer = connection.getIoThread().executeAfter(drain::close, WINDOW_MILLIS, TimeUnit.MILLISECONDS);
        source.getReadSetter().set(drain);
        drain.handleEvent(source);
        if (!drain.closed) {
            source.resumeReads();
        }
    }

    @Override
    public void handleEvent(StreamSourceChannel ignored) {
        try {
            while (!closed) {
                scratch.clear();
                int read = source.read(scratch);
                if (read == 0) {
                    return;
                }
                if (read < 0) {
                    break;
                }
                drained += read;
                if (drained > BUDGET_BYTES) {
                    break;
                }
            }
        } catch (IOException e) {
            // the client reset or closed: nothing left to protect
        }
        close();
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (timer != null) {
            timer.remove();
        }
        source.suspendReads();
        IoUtils.safeClose(connection);
    }
}
