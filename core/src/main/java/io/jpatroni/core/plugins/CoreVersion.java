package io.jpatroni.core.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of the running core, which every plugin's {@code plugin.requires} must equal. */
public final class CoreVersion {

    private static final String POM_PROPERTIES = "/META-INF/maven/io.jpatroni/jpatroni-core/pom.properties";

    private CoreVersion() {
    }

    /**
     * From the jar's manifest or the pom.properties Maven puts into it; {@code "unknown"} when
     * running from unpackaged classes (then no plugin matches, and the error says so).
     */
    public static String current() {
        String fromManifest = CoreVersion.class.getPackage().getImplementationVersion();
        if (fromManifest != null && !fromManifest.isBlank()) {
            return fromManifest;
        }
        try (InputStream in = CoreVersion.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version");
                if (version != null && !version.isBlank()) {
                    return version.strip();
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown";
    }
}
