package io.jpatroni.core.plugins;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Minimal PF4J plugin zips (a descriptor and an empty classes/) for loader tests. */
final class TestPluginZips {

    private TestPluginZips() {
    }

    static Path write(Path dir, String id, String requires, String dcsSections, String configKeys) throws IOException {
        Path zip = dir.resolve(id + "-1.0.0.zip");
        String descriptor = "plugin.id=" + id + "\nplugin.version=1.0.0\nplugin.requires=" + requires + "\n"
                + "jpatroni.dcs.sections=" + dcsSections + "\njpatroni.config.keys=" + configKeys + "\n";
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("plugin.properties"));
            out.write(descriptor.getBytes(StandardCharsets.ISO_8859_1));
            out.closeEntry();
            out.putNextEntry(new ZipEntry("classes/"));
            out.closeEntry();
            out.putNextEntry(new ZipEntry("lib/readme.txt"));
            out.write(("library of " + id).getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return zip;
    }

    /**
     * A zip whose classes/ holds {@code extension} (its compiled class, copied from the test class
     * path) listed in PF4J's extension index: a real plugin, loaded through its own class loader.
     */
    static Path withExtension(Path dir, String id, String dcsSections, Class<?> extension) throws IOException {
        Path zip = dir.resolve(id + "-1.0.0.zip");
        String classFile = extension.getName().replace('.', '/') + ".class";
        byte[] bytes;
        try (var in = extension.getClassLoader().getResourceAsStream(classFile)) {
            bytes = in.readAllBytes();
        }
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("plugin.properties"));
            out.write(("plugin.id=" + id + "\nplugin.version=1.0.0\nplugin.requires=^0.1.0\njpatroni.dcs.sections="
                    + dcsSections + "\n").getBytes(StandardCharsets.ISO_8859_1));
            out.closeEntry();
            out.putNextEntry(new ZipEntry("classes/META-INF/extensions.idx"));
            out.write((extension.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new ZipEntry("classes/" + classFile));
            out.write(bytes);
            out.closeEntry();
        }
        return zip;
    }
}
