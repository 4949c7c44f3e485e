package dev.baton.engine.leads;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The values Elasticsearch's flattened field type indexes under a key (traits, event
 * properties), found the same way in memory: a dotted key reaches into objects, a list gives each
 * element, every leaf as text, and text longer than the field's {@code ignore_above} (1024) is not
 * indexed, so it matches nothing. Texts compare in the index's order, by code point.
 */
public final class FlattenedValues {
    /** The leads and events mappings' ignore_above for flattened fields. */
    public static final int INDEXED_LENGTH = 1024;

    private FlattenedValues() {
    }

    public static List<String> of(Map<String, ?> fields, String key) {
        List<String> values = new ArrayList<>();
        collect(fields, key, values);
        values.removeIf(v -> v.length() > INDEXED_LENGTH);
        return values;
    }

    /** Text order as the index compares keywords (UTF-8 bytes, which is code point order). */
    public static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static void collect(Object node, String path, List<String> values) {
        if (node instanceof Map<?, ?> map) {
            if (map.containsKey(path)) {
                leaves(map.get(path), values);
            }
            int dot = path.indexOf('.');
            while (dot > 0) {
                Object inner = map.get(path.substring(0, dot));
                if (inner != null) {
                    collect(inner, path.substring(dot + 1), values);
                }
                dot = path.indexOf('.', dot + 1);
            }
        } else if (node instanceof List<?> list) {
            list.forEach(element -> collect(element, path, values));
        }
    }

    private static void leaves(Object value, List<String> values) {
        if (value instanceof List<?> list) {
            list.forEach(element -> leaves(element, values));
        } else if (value != null && !(value instanceof Map<?, ?>)) {
            values.add(String.valueOf(value));
        }
    }
}
