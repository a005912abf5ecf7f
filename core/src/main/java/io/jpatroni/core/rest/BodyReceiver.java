package io.jpatroni.core.rest;

import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.xnio.ChannelListener;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSourceChannel;

/**
 * Reads a request body of a known length without holding a worker thread: the reads happen on the
 * connection's IO thread as bytes arrive, and a timer on the same thread gives up when the client
 * stops sending. So a client that announces more than it sends (or trickles it) costs a buffer and
 * a timer, never one of the threads that answer health checks.
 *
 * <p>Everything here runs on the exchange's IO thread, so the "finished" flag needs no locking.
 */
final class BodyReceiver implements ChannelListener<StreamSourceChannel> {

    private final StreamSourceChannel channel;
    private final ByteBuffer buffer;
    private final Consumer<byte[]> onBody;
    private final IntConsumer onFailure;
    private XnioExecutor.Key timer;
    private boolean finished;

    private BodyReceiver(StreamSourceChannel channel, int length, Consumer<byte[]> onBody, IntConsumer onFailure) {
        this.channel = channel;
        this.buffer = ByteBuffer.allocate(length);
        this.onBody = onBody;
        this.onFailure = onFailure;
    }

    /**
     * Starts reading exactly {@code length} bytes; calls {@code onBody} with them, or
     * {@code onFailure} with 400 (the client closed early or sent garbage framing) or 408 (it went
     * quiet for {@code waitMillis}). Must be called on the exchange's IO thread.
     */
    static void receive(HttpServerExchange exchange, int length, long waitMillis, Consumer<byte[]> onBody,
                        IntConsumer onFailure) {
        StreamSourceChannel channel = exchange.getRequestChannel();
        if (channel == null) {
            onFailure.accept(400);
            return;
        }
        BodyReceiver receiver = new BodyReceiver(channel, length, onBody, onFailure);
        receiver.timer = exchange.getIoThread().executeAfter(() -> receiver.fail(408), waitMillis,
                TimeUnit.MILLISECONDS);
        channel.getReadSetter().set(receiver);
        receiver.handleEvent(channel);
        if (!receiver.finished) {
            channel.resumeReads();
        }
    }

    @Override
    public void handleEvent(StreamSourceChannel ignored) {
        if (finished) {
            return;
        }
        try {
            while (buffer.hasRemaining()) {
                int read = channel.read(buffer);
                if (read == 0) {
                    return; // wait for the next readable event (or the timer)
                }
                if (read < 0) {
                    fail(400);
                    return;
                }
            }
        } catch (IOException e) {
            fail(400);
            return;
        }
        finish();
        onBody.accept(buffer.array());
    }

    private void fail(int code) {
        if (finished) {
            return;
        }
        finish();
        onFailure.accept(code);
    }

    private void finish() {
        finished = true;
        timer.remove();
        channel.suspendReads();
        channel.getReadSetter().set(null);
    }
}
