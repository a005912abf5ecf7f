package io.jpatroni.core.plugins;

import com.github.zafarkhaja.semver.Version;
import org.pf4j.DefaultVersionManager;

/**
 * Whether a plugin's {@code plugin.requires} admits the plugin API this core offers
 * ({@link CoreVersion#API}). A range is a PF4J (java-semver) expression such as {@code ^0.1.0},
 * {@code >=0.1.0 & <0.2.0} or {@code 0.1.*}; comparators separated by blanks only
 * ({@code >=0.1.0 <0.2.0}, as npm writes them) mean the same as joined by {@code &}. A bare version
 * must equal the API version, or the running core's own version: plugins built before ranges
 * pinned the exact core they were built with, and that core can still load them.
 */
final class ApiCompatibility {

    private static final DefaultVersionManager VERSIONS = new DefaultVersionManager();

    private ApiCompatibility() {
    }

    /** Empty when compatible, else why not (naming both versions and the fix). */
    static java.util.Optional<String> problem(PluginDescriptor plugin, String apiVersion) {
        String requires = plugin.requires();
        String who = "plugin " + plugin.id() + " " + plugin.version() + " (" + plugin.source() + ")";
        String fix = "; install a build of the plugin whose plugin.requires admits " + apiVersion
                + " (plugins built on plugins/pom.xml get ^<api version>)";
        if (requires.isEmpty()) {
            return java.util.Optional.of(who + " has no plugin.requires, but this jpatroni " + CoreVersion.current()
                    + " offers plugin API " + apiVersion + " and loads only plugins that declare a compatible range" + fix);
        }
        boolean ok;
        try {
            ok = admits(requires, apiVersion, CoreVersion.current());
        } catch (RuntimeException e) {
            return java.util.Optional.of(who + " has plugin.requires=" + requires + ", which is neither a version nor a"
                    + " version range (e.g. ^0.1.0 or >=0.1.0 & <0.2.0): " + e.getMessage());
        }
        if (ok) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(who + " requires jpatroni plugin API " + requires + " but this jpatroni"
                + core() + " offers plugin API " + apiVersion + fix);
    }

    private static String core() {
        String version = CoreVersion.current();
        return version.equals("unknown") ? "" : " " + version;
    }

    static boolean admits(String requires, String apiVersion) {
        return admits(requires, apiVersion, null);
    }

    static boolean admits(String requires, String apiVersion, String coreVersion) {
        String expression = requires.strip();
        if (expression.startsWith("=")) {
            expression = expression.substring(1).strip();
        }
        if (expression.equals(coreVersion)) {
            return true; // a plugin pinned to exactly this core (plugin.requires=${project.version} of old poms)
        }
        if (Version.isValid(expression)) {
            return Version.parse(expression).equals(Version.parse(apiVersion));
        }
        // ">=0.1.0 <0.2.0": java-semver wants the '&' written out
        expression = expression.replaceAll("(?<=[0-9*xX])\\s+(?=[<>=~^!0-9])", " & ");
        return VERSIONS.checkVersionConstraint(apiVersion, expression);
    }
}
