package io.jpatroni.core.ctl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * patronictl's framed ASCII table: one space of padding, {@code +---+} rules, a title embedded in
 * the top rule, and rules between all rows as soon as one cell spans several lines
 * (patronictl.md §2.4).
 */
final class AsciiTable {

    private final List<String> columns;
    private final List<Boolean> rightAligned;
    private final List<List<String>> rows = new ArrayList<>();

    AsciiTable(List<String> columns, List<Boolean> rightAligned) {
        this.columns = List.copyOf(columns);
        this.rightAligned = List.copyOf(rightAligned);
    }

    void add(List<String> row) {
        rows.add(List.copyOf(row));
    }

    /** The table without a trailing newline; {@code title} replaces the start of the top rule. */
    String render(String title) {
        int n = columns.size();
        int[] widths = new int[n];
        for (int c = 0; c < n; c++) {
            widths[c] = columns.get(c).length();
            for (List<String> row : rows) {
                for (String line : lines(row.get(c))) {
                    widths[c] = Math.max(widths[c], line.length());
                }
            }
        }
        StringBuilder rule = new StringBuilder("+");
        for (int w : widths) {
            rule.append("-".repeat(w + 2)).append('+');
        }
        boolean ruleEveryRow = rows.stream().anyMatch(r -> r.stream().anyMatch(cell -> cell.contains("\n")));
        List<String> out = new ArrayList<>();
        out.add(titled(rule.toString(), title));
        out.add(line(columns, widths));
        out.add(rule.toString());
        for (int r = 0; r < rows.size(); r++) {
            List<List<String>> cells = new ArrayList<>();
            int height = 1;
            for (String cell : rows.get(r)) {
                List<String> split = lines(cell);
                cells.add(split);
                height = Math.max(height, split.size());
            }
            for (int i = 0; i < height; i++) {
                List<String> texts = new ArrayList<>(n);
                for (List<String> cell : cells) {
                    texts.add(i < cell.size() ? cell.get(i) : "");
                }
                out.add(line(texts, widths));
            }
            if (ruleEveryRow && r < rows.size() - 1) {
                out.add(rule.toString());
            }
        }
        out.add(rule.toString());
        return String.join("\n", out);
    }

    private String line(List<String> texts, int[] widths) {
        StringBuilder b = new StringBuilder("|");
        for (int c = 0; c < widths.length; c++) {
            String t = texts.get(c);
            String pad = " ".repeat(widths[c] - t.length());
            b.append(' ').append(rightAligned.get(c) ? pad + t : t + pad).append(" |");
        }
        return b.toString();
    }

    private static String titled(String rule, String title) {
        if (title.isEmpty()) {
            return rule;
        }
        String head = title.length() > rule.length() - 2 ? title.substring(0, rule.length() - 2) : title;
        return rule.charAt(0) + head + rule.substring(1 + head.length());
    }

    private static List<String> lines(String cell) {
        if (cell.isEmpty()) {
            return Collections.singletonList("");
        }
        return List.of(cell.split("\n", -1));
    }
}
