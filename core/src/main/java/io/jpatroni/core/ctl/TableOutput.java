package io.jpatroni.core.ctl;

import io.jpatroni.core.rest.PyJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Rows printed in one of the {@code -f} formats (patronictl.md §2.4), for tables other than the member list. */
final class TableOutput {

    private TableOutput() {
    }

    static String render(List<String> columns, List<List<Object>> rows, Set<String> rightAligned,
                         OutputFormat format, String delimiter) {
        switch (format) {
            case JSON:
                return PyJson.write(elements(columns, rows)) + "\n";
            case YAML:
                return YamlText.block(elements(columns, rows)) + "\n";
            case TSV:
                StringBuilder out = new StringBuilder();
                if (!columns.isEmpty()) {
                    out.append(String.join(delimiter, columns)).append('\n');
                }
                for (List<Object> row : rows) {
                    List<String> texts = new ArrayList<>();
                    row.forEach(v -> texts.add(MemberTable.text(v)));
                    out.append(String.join(delimiter, texts)).append('\n');
                }
                return out.toString();
            default:
                AsciiTable table = new AsciiTable(columns, columns.stream().map(rightAligned::contains).toList());
                for (List<Object> row : rows) {
                    List<String> texts = new ArrayList<>();
                    row.forEach(v -> texts.add(MemberTable.text(v)));
                    table.add(texts);
                }
                return table.render("") + "\n";
        }
    }

    private static List<Map<String, Object>> elements(List<String> columns, List<List<Object>> rows) {
        List<Map<String, Object>> elements = new ArrayList<>();
        for (List<Object> row : rows) {
            Map<String, Object> element = new LinkedHashMap<>();
            for (int i = 0; i < columns.size() && i < row.size(); i++) {
                element.put(columns.get(i), row.get(i));
            }
            elements.add(element);
        }
        return elements;
    }
}
