package io.jpatroni.core.plugins;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CoreVersionTest {

    /** Plugins get their range from the root pom's property; the core checks against its constant. */
    @Test
    void theApiVersionOfTheCoreIsTheOneThePluginsAreBuiltFor() throws Exception {
        String rootPom = Files.readString(Path.of("..", "pom.xml")); // surefire runs in core/
        assertTrue(rootPom.contains("<jpatroni.api.version>" + CoreVersion.API + "</jpatroni.api.version>"),
                "root pom.xml's jpatroni.api.version must be " + CoreVersion.API);
        assertTrue(ApiCompatibility.admits("^" + CoreVersion.API, CoreVersion.API));
    }
}
