package dev.baton.engine.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CSV imports (header first, RFC 4180 quoting: {@code "Acme, Inc."}, {@code "say ""hi"""}, line
 * breaks inside quotes): rows by the line they start on, so errors say where.
 */
public final class CsvRows {
    /** Spaces around cells are dropped (also before an opening quote); blank lines are skipped. */
    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(CsvParser.Feature.TRIM_SPACES)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build();

    private CsvRows() {
    }

    /** A CSV that cannot be imported (400), naming the line. */
    public static class InvalidCsvException extends InvalidRequestException {
        public InvalidCsvException(String message) {
            super("csv", message);
        }
    }

    /**
     * The rows by the line each starts on, each as column (lower case) → trimmed cell.
     *
     * @param required columns the header must name
     */
    public static Map<Integer, Map<String, String>> parse(String csv, List<String> required) {
        List<String> header = null;
        Map<Integer, Map<String, String>> rows = new LinkedHashMap<>();
        int line = 1;
        // Without a schema the parser gives each record as an array of strings, so the header is ours to check.
        try (CsvParser parser = (CsvParser) CSV.getFactory().createParser(withoutByteOrderMark(csv))) {
            List<String> cells = new ArrayList<>();
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.START_ARRAY) {
                    line = parser.currentLocation().getLineNr();
                    cells = new ArrayList<>();
                } else if (token == JsonToken.END_ARRAY) {
                    if (header == null) {
                        header = header(cells, line, required);
                    } else if (!isBlank(cells)) {
                        rows.put(line, row(header, cells, line));
                    }
                } else {
                    cells.add(parser.getText().strip());
                }
            }
        } catch (JsonProcessingException e) {
            throw new InvalidCsvException("line " + line + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidCsvException("line " + line + ": " + e.getMessage());
        }
        if (header == null) {
            throw new InvalidCsvException("empty CSV; the first line names the columns: " + String.join(",", required));
        }
        return rows;
    }

    private static List<String> header(List<String> cells, int line, List<String> required) {
        List<String> header = cells.stream().map(cell -> cell.toLowerCase(Locale.ROOT)).toList();
        for (String column : required) {
            if (!header.contains(column)) {
                throw new InvalidCsvException("line " + line + ": missing column '" + column + "'; expected at least " + required);
            }
        }
        return header;
    }

    private static Map<String, String> row(List<String> header, List<String> cells, int line) {
        if (cells.size() != header.size()) {
            throw new InvalidCsvException("line " + line + ": " + cells.size() + " cells, the header has " + header.size()
                    + (cells.size() > header.size() ? " (a comma inside a cell needs the cell in double quotes)" : ""));
        }
        Map<String, String> row = new LinkedHashMap<>();
        for (int c = 0; c < cells.size(); c++) {
            row.put(header.get(c), cells.get(c));
        }
        return row;
    }

    /** A line of nothing but spaces, should one reach us as a single empty cell. */
    private static boolean isBlank(List<String> cells) {
        return cells.size() == 1 && cells.get(0).isEmpty();
    }

    /** Spreadsheets save UTF-8 CSV with a byte order mark, which would otherwise stick to the first column's name. */
    private static String withoutByteOrderMark(String csv) {
        if (csv == null) {
            return "";
        }
        return csv.startsWith("\uFEFF") ? csv.substring(1) : csv;
    }
}
