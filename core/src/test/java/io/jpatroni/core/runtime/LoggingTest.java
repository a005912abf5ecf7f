package io.jpatroni.core.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The HA loop logs every iteration: a log destination that blocks must not block the loop. */
class LoggingTest {

    @Test
    void aBlockedLogDestinationDoesNotBlockTheLogger() throws Exception {
        LoggerContext context = new LoggerContext();
        CountDownLatch release = new CountDownLatch(1);
        OutputStream stuck = new OutputStream() { // a pipe nobody reads, a disk that hangs
            @Override
            public void write(int b) {
                awaitQuietly(release);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                awaitQuietly(release);
            }
        };
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        OutputStreamAppender<ILoggingEvent> target = new OutputStreamAppender<>();
        target.setContext(context);
        target.setEncoder(encoder);
        target.setOutputStream(stuck);
        target.start();
        Logger logger = context.getLogger("loop");
        logger.addAppender(Logging.asynchronous(context, target));

        long started = System.nanoTime();
        for (int i = 0; i < 20_000; i++) {
            logger.warn("iteration {}", i);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        release.countDown();
        context.stop();
        assertTrue(seconds < 5, "logging 20000 lines into a blocked destination took " + seconds + " s");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
