package dev.baton.engine.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Kibana saved objects in {@code dashboards/kibana} parse as Kibana's import API reads them
 * (one JSON object per line, with the JSON strings inside it), every reference points at an
 * object in the files, and every field they name exists in the mapping of the index they query.
 */
class KibanaSavedObjectsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Index pattern title → Baton's mapping file for it (default prefix "baton"). */
    private static final Map<String, String> MAPPINGS = Map.of("baton-events-*", "events", "baton-share-clicks", "share-clicks",
            "baton-leads", "leads");
    private static final Pattern KQL_FIELD = Pattern.compile("(?:^|\\(|\\s)(not\\s+)?([A-Za-z_][A-Za-z0-9_.]*)\\s*:");

    @Test
    void savedObjectsParseReferenceEachOtherAndNameOnlyFieldsOfBatonsMappings() throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("../dashboards/kibana"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".ndjson")).sorted().toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (!line.isBlank()) {
                        objects.add(JSON.readTree(line));
                    }
                }
            }
        }
        Map<String, JsonNode> byId = new HashMap<>();
        objects.forEach(o -> byId.put(o.path("type").asText() + "/" + o.path("id").asText(), o));
        assertThat(byId.keySet()).contains("dashboard/baton-funnel", "dashboard/baton-advocacy");

        for (JsonNode object : objects) {
            for (JsonNode reference : object.path("references")) {
                assertThat(byId).as(object.path("id") + " refers to " + reference)
                        .containsKey(reference.path("type").asText() + "/" + reference.path("id").asText());
            }
            if (object.path("type").asText().equals("index-pattern")) {
                String title = object.path("attributes").path("title").asText();
                assertThat(MAPPINGS).as("index pattern " + title + " is one of Baton's indices").containsKey(title);
                assertThat(fields(title)).as(title + " time field").contains(object.path("attributes").path("timeFieldName").asText());
            }
            if (object.path("type").asText().equals("visualization")) {
                JsonNode attributes = object.path("attributes");
                JsonNode state = JSON.readTree(attributes.path("visState").asText());
                JsonNode search = JSON.readTree(attributes.path("kibanaSavedObjectMeta").path("searchSourceJSON").asText());
                String index = byId.get("index-pattern/" + object.path("references").get(0).path("id").asText())
                        .path("attributes").path("title").asText();
                Set<String> known = fields(index);
                Set<String> named = new TreeSet<>();
                for (JsonNode agg : state.path("aggs")) {
                    if (agg.path("params").has("field")) {
                        named.add(agg.path("params").path("field").asText());
                    }
                    for (JsonNode filter : agg.path("params").path("filters")) {
                        named.addAll(kqlFields(filter.path("input").path("query").asText()));
                    }
                }
                named.addAll(kqlFields(search.path("query").path("query").asText()));
                for (String field : named) {
                    assertThat(exists(field, known)).as(object.path("id").asText() + " names " + field + ", which " + index
                            + " maps? known: " + known).isTrue();
                }
            }
            if (object.path("type").asText().equals("dashboard")) {
                JsonNode panels = JSON.readTree(object.path("attributes").path("panelsJSON").asText());
                assertThat(panels).hasSize(object.path("references").size());
            }
        }
    }

    /** Every field path of a mapping; flattened fields are marked with a trailing ".*". */
    private static Set<String> fields(String title) throws IOException {
        JsonNode mapping = JSON.readTree(KibanaSavedObjectsTest.class.getResourceAsStream(
                "/elasticsearch/" + MAPPINGS.get(title) + "-mapping.json"));
        Set<String> fields = new TreeSet<>();
        collect("", mapping.path("properties"), fields);
        return fields;
    }

    private static void collect(String prefix, JsonNode properties, Set<String> fields) {
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            var field = it.next();
            String path = prefix + field.getKey();
            JsonNode definition = field.getValue();
            if (definition.has("properties")) {
                collect(path + ".", definition.path("properties"), fields);
            } else {
                fields.add("flattened".equals(definition.path("type").asText()) ? path + ".*" : path);
                if ("flattened".equals(definition.path("type").asText())) {
                    fields.add(path);
                }
            }
        }
    }

    private static boolean exists(String field, Set<String> known) {
        return known.contains(field) || known.stream().anyMatch(k -> k.endsWith(".*") && field.startsWith(k.substring(0, k.length() - 1)));
    }

    private static List<String> kqlFields(String kql) {
        List<String> names = new ArrayList<>();
        Matcher m = KQL_FIELD.matcher(kql.replaceAll("\"[^\"]*\"", "\"\""));
        while (m.find()) {
            names.add(m.group(2));
        }
        return names;
    }
}
