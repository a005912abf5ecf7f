package io.jpatroni.core.runtime;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import io.jpatroni.core.config.LogConfig;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** Configures logback in code from the {@code log:} section, in Patroni's line format. */
final class Logging {

    private static final int QUEUE_SIZE = 1024;
    private static final String PATTERN = "%d{\"yyyy-MM-dd HH:mm:ss,SSS\"} %level: %msg%n";

    private Logging() {
    }

    static void configure(LogConfig log) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = log.dir().isPresent()
                ? fileAppender(context, encoder, log) : consoleAppender(context, encoder);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(asynchronous(context, appender));
        root.setLevel(level(log.level()));
        // Libraries are chatty at INFO; operators want the HA loop's lines.
        for (String quiet : new String[] {"io.grpc", "io.netty", "io.etcd", "org.xnio", "io.undertow", "org.pf4j",
                "org.jboss"}) {
            context.getLogger(quiet).setLevel(Level.WARN);
        }
        // gRPC (inside the etcd plugin) logs through java.util.logging straight to stderr.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        for (Map.Entry<String, String> entry : log.loggers().entrySet()) {
            context.getLogger(entry.getKey()).setLevel(level(entry.getValue()));
        }
    }

    /**
     * The HA loop must never wait for its log: a stdout pipe nobody reads or a stalled disk would
     * otherwise hold it past its lease. Lines go through a queue and are dropped, never waited for,
     * when it is full (neverBlock); INFO and below are dropped first.
     */
    static AsyncAppender asynchronous(LoggerContext context, OutputStreamAppender<ILoggingEvent> target) {
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("async");
        async.setQueueSize(QUEUE_SIZE);
        async.setNeverBlock(true);
        async.setIncludeCallerData(false);
        async.setMaxFlushTime(2000);
        async.addAppender(target);
        async.start();
        return async;
    }

    /** Before the process halts: write out what is queued (bounded by the async appender's flush time). */
    static void flushAndStop() {
        try {
            ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
        } catch (Throwable e) {
            // the process ends anyway; a lost log line must not stop that
        }
    }

    private static OutputStreamAppender<ILoggingEvent> consoleAppender(LoggerContext context,
                                                                       PatternLayoutEncoder encoder) {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        return console;
    }

    private static OutputStreamAppender<ILoggingEvent> fileAppender(LoggerContext context,
                                                                    PatternLayoutEncoder encoder, LogConfig log) {
        String file = log.dir().orElseThrow().resolve("patroni.log").toString();
        RollingFileAppender<ILoggingEvent> rolling = new RollingFileAppender<>();
        rolling.setContext(context);
        rolling.setFile(file);
        rolling.setEncoder(encoder);
        FixedWindowRollingPolicy window = new FixedWindowRollingPolicy();
        window.setContext(context);
        window.setParent(rolling);
        window.setFileNamePattern(file + ".%i");
        window.setMinIndex(1);
        window.setMaxIndex(Math.max(1, log.fileNum()));
        window.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> size = new SizeBasedTriggeringPolicy<>();
        size.setContext(context);
        size.setMaxFileSize(new FileSize(log.fileSize()));
        size.start();
        rolling.setRollingPolicy(window);
        rolling.setTriggeringPolicy(size);
        rolling.start();
        return rolling;
    }

    /** Patroni's level names: WARNING, CRITICAL and FATAL map onto logback's. */
    static Level level(String name) {
        return switch (name == null ? "INFO" : name.toUpperCase(java.util.Locale.ROOT)) {
            case "DEBUG" -> Level.DEBUG;
            case "WARN", "WARNING" -> Level.WARN;
            case "ERROR", "CRITICAL", "FATAL" -> Level.ERROR;
            default -> Level.INFO;
        };
    }
}
