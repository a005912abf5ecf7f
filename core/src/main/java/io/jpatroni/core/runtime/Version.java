package io.jpatroni.core.runtime;

/** jpatroni's own version, from the jar manifest (the build stamps it). */
public final class Version {

    private Version() {
    }

    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
