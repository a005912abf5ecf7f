package io.jpatroni.core.loop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Test-only faults for the distribution's integration tests, inert unless the JVM is started with
 * these system properties (bin/jpatroni passes JPATRONI_JAVA_OPTS): a stuck HA loop, and a real
 * OutOfMemoryError on the loop thread. Each is triggered by a file, so a test decides when.
 */
final class FaultInjection {

    /** While this file exists the loop thread stands still at the start of its iteration. */
    static final String STALL_PROPERTY = "jpatroni.test.stall-loop-while-exists";
    /** Once this file exists the loop thread allocates until the heap is exhausted. */
    static final String OOM_PROPERTY = "jpatroni.test.out-of-memory-when-exists";

    private static final Optional<Path> STALL = file(STALL_PROPERTY);
    private static final Optional<Path> OOM = file(OOM_PROPERTY);

    private FaultInjection() {
    }

    static void beforeIteration() {
        if (OOM.isPresent() && Files.exists(OOM.get())) {
            List<long[]> hog = new ArrayList<>();
            while (true) {
                hog.add(new long[1 << 20]);
            }
        }
        while (STALL.isPresent() && Files.exists(STALL.get())) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    private static Optional<Path> file(String property) {
        return Optional.ofNullable(System.getProperty(property)).filter(s -> !s.isBlank()).map(Path::of);
    }
}
