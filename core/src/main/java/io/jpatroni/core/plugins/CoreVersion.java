package io.jpatroni.core.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of the running core, and the version of the plugin API (the SPI in jpatroni-api) it
 * offers: plugins declare which API versions they work with ({@code plugin.requires}, a range), so a
 * new core release does not invalidate every plugin built for the previous one.
 */
public final class CoreVersion {

    /**
     * The plugin API version: the minor goes up (while 0.x) on any change of the SPI that breaks a
     * plugin built earlier; additions with defaults leave it. The root pom's
     * {@code jpatroni.api.version} must be the same (CoreVersionTest), plugins' ranges derive from it.
     */
    public static final String API = "0.1.0";

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
