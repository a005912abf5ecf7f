package io.jpatroni.it;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** Prints every node's log when a step fails: the first thing an operator would read. */
final class DumpLogsOnFailure implements TestWatcher {

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        ClusterHarness cluster = ClusterHarness.latest;
        try {
            System.out.println(cluster == null ? "no cluster" : cluster.logs());
        } catch (Exception e) {
            System.out.println("could not read logs: " + e);
        }
    }
}
