package io.jpatroni.core.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The loop's JDBC reads give up strictly before retry_timeout, whatever retry_timeout says. */
class LoopSocketTimeoutTest {

    @Test
    void halfOfRetryTimeoutAtLeastOneSecond() {
        assertEquals(5, PostgresNode.socketTimeoutFor(10));
        assertEquals(1, PostgresNode.socketTimeoutFor(3));
        assertEquals(1, PostgresNode.socketTimeoutFor(1));
        assertEquals(1, PostgresNode.socketTimeoutFor(0));
        assertEquals(1, PostgresNode.socketTimeoutFor(-5));
        for (long retry = 3; retry < 100_000; retry = retry * 3 + 1) {
            assertTrue(PostgresNode.socketTimeoutFor(retry) < retry, "retry_timeout " + retry);
        }
        assertEquals(Integer.MAX_VALUE, PostgresNode.socketTimeoutFor(Long.MAX_VALUE), "no overflow");
        assertEquals(750_000_000, PostgresNode.socketTimeoutFor(1_500_000_000L));
    }
}
