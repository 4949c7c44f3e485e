package dev.baton.engine.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Simple CSV imports (header first, no quoted commas): rows by line number, so errors say where. */
public final class CsvRows {
    private CsvRows() {
    }

    /** A CSV that cannot be imported (400), naming the line. */
    public static class InvalidCsvException extends InvalidRequestException {
        public InvalidCsvException(String message) {
            super("csv", message);
        }
    }

    /**
     * The rows by line number, each as column (lower case) → trimmed cell.
     *
     * @param required columns the header must name
     */
    public static Map<Integer, Map<String, String>> parse(String csv, List<String> required) {
        String[] lines = csv == null ? new String[0] : csv.strip().split("\r?\n");
        if (lines.length == 0 || lines[0].isBlank()) {
            throw new InvalidCsvException("empty CSV; the first line names the columns: " + String.join(",", required));
        }
        List<String> header = List.of(lines[0].strip().toLowerCase(Locale.ROOT).split("\\s*,\\s*"));
        for (String column : required) {
            if (!header.contains(column)) {
                throw new InvalidCsvException("line 1: missing column '" + column + "'; expected at least " + required);
            }
        }
        Map<Integer, Map<String, String>> rows = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] cells = lines[i].split(",", -1);
            if (cells.length != header.size()) {
                throw new InvalidCsvException("line " + (i + 1) + ": " + cells.length + " cells, the header has " + header.size());
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < cells.length; c++) {
                row.put(header.get(c), cells[c].strip());
            }
            rows.put(i + 1, row);
        }
        return rows;
    }
}
