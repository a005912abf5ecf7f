package io.jpatroni.core.config;

import io.jpatroni.core.tls.KeyMaterial;
import io.jpatroni.core.tls.PemFiles;
import io.jpatroni.core.tls.TlsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The certificate and key files the configuration names, read and checked: the daemon refuses to
 * start on any of these problems and {@code --validate-config} reports them. Kept out of the binder
 * so that jpatronictl, which loads the same file, never needs to read the server's private key.
 */
public final class TlsFileChecks {

    private TlsFileChecks() {
    }

    /** ERRORs for unusable restapi and ctl TLS files (missing, not PEM, wrong pass phrase, mismatch, ciphers). */
    public static List<ConfigProblem> check(PatroniConfig config) {
        List<ConfigProblem> problems = new ArrayList<>();
        config.restapi().tls().ifPresent(tls -> {
            try {
                tls.load();
            } catch (TlsException e) {
                problems.add(problem(e));
            }
        });
        Map<String, Object> ctl = config.section("ctl");
        try {
            Optional<String> cacert = text(ctl, "cacert");
            if (cacert.isPresent()) {
                PemFiles.certificates(Path.of(cacert.get()), "ctl.cacert");
            }
            Optional<String> certfile = text(ctl, "certfile");
            if (certfile.isPresent()) {
                KeyMaterial.load("ctl", Path.of(certfile.get()), text(ctl, "keyfile").map(Path::of),
                        text(ctl, "keyfile_password"));
            }
        } catch (TlsException e) {
            problems.add(problem(e));
        }
        return problems;
    }

    /** {@code <key>  <reason>}: the message without the key it starts with, which the problem already names. */
    private static ConfigProblem problem(TlsException e) {
        String message = e.getMessage();
        if (message.startsWith(e.key() + ": ")) {
            message = message.substring(e.key().length() + 2);
        } else if (message.startsWith(e.key() + " ")) {
            message = message.substring(e.key().length() + 1);
        }
        return ConfigProblem.error(e.key(), "", message);
    }

    private static Optional<String> text(Map<String, Object> section, String key) {
        return section.get(key) instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
    }
}
