package dev.baton.rules;

/**
 * A compile error in one rule file, located so ops can jump to it.
 *
 * @param file   the file name within the rule set
 * @param line   1-based line, or 0 when Drools gives none
 * @param column 1-based column, or 0 when Drools gives none
 */
public record RuleError(String file, int line, int column, String message) {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
