package io.jpatroni.core.ctl;

import java.util.Locale;

/** {@code -f/--format}: how tables are printed (patronictl.md §2.4). */
public enum OutputFormat {
    PRETTY, TSV, JSON, YAML;

    /** Accepts the patronictl spellings, including {@code yml}. */
    public static OutputFormat parse(String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "pretty":
                return PRETTY;
            case "tsv":
                return TSV;
            case "json":
                return JSON;
            case "yaml":
            case "yml":
                return YAML;
            default:
                throw new IllegalArgumentException("'" + text + "' is not one of 'pretty', 'tsv', 'json', 'yaml', 'yml'.");
        }
    }
}
