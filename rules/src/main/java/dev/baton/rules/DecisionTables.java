package dev.baton.rules;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.drools.decisiontable.InputType;
import org.drools.decisiontable.SpreadsheetCompiler;

/**
 * Drools decision tables in CSV (a spreadsheet saved as CSV): each row a rule, so marketers
 * change points without writing DRL. Turned into DRL before compiling; errors point at the row.
 */
final class DecisionTables {
    /** The generator writes "// rule values at A12, header at A6" above each rule. */
    private static final Pattern ROW = Pattern.compile("// rule values at [A-Z]+(\\d+)");

    private DecisionTables() {
    }

    static boolean isDecisionTable(String fileName) {
        return fileName.toLowerCase(java.util.Locale.ROOT).endsWith(".csv");
    }

    static String toDrl(String csv) {
        String drl = new SpreadsheetCompiler().compile(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
                InputType.CSV);
        if (!drl.contains("rule \"")) {
            throw new IllegalArgumentException("no rules found: a table needs a RuleSet row, a RuleTable row, its"
                    + " NAME/CONDITION/ACTION header and at least one rule row");
        }
        return drl;
    }

    /** The table row a line of the generated DRL comes from (0 when before the first rule). */
    static int rowOf(String drl, int line) {
        String[] lines = drl.split("\\n", -1);
        for (int i = Math.min(line, lines.length) - 1; i >= 0; i--) {
            Matcher matcher = ROW.matcher(lines[i]);
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
        }
        return 0;
    }
}
