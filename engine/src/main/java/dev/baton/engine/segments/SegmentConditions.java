package dev.baton.engine.segments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.engine.leads.JourneyState;
import dev.baton.engine.leads.LeadFields;
import dev.baton.engine.leads.SortableNumber;
import dev.baton.engine.leads.TrackedBehaviour;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A segment's conditions, checked and translated into one Elasticsearch query over the leads
 * index (it counts the segment, lists its members and finds stale memberships) and into a
 * {@link Condition} with the same meaning, which judges one changed lead in memory.
 *
 * <pre>
 * {"all":[...]} {"any":[...]} {"not":{...}}
 * {"tier":{"in":["warm","hot"]}}  {"tier":{"eq":"hot"}}
 * {"score":{"gte":40,"lt":80}}
 * {"tag":{"has":"interest:guide"}}  {"tag":{"hasAny":["a","b"]}}
 * {"trait":"city","eq":"Shanghai"}  "in":[…]  "exists":true|false  "prefix":"Shang"  "gte"/"gt"/"lte"/"lt"
 * {"event":"Page Viewed","where":{"category":"pricing"},"atLeast":2,"withinDays":30}
 * {"unsubscribed":"email"}
 * {"seen":{"withinDays":30}}
 * {"brought":{"employee":"alice"}}  "team":… "campaign":… (a text or a list; several: all must hold)
 * {"journey":"welcome"}  "at":"WaitForForm"  "finished":true|"end-id"  "entered":true
 * </pre>
 * {@code brought} is the first share that brought the lead (its chain's root employee and team);
 * {@code journey} alone means the lead is in it now (at any step), {@code at} at that waiting step,
 * {@code finished} that its last entry ended (at that end event), {@code entered} that it ever
 * entered.
 * Trait ranges with number bounds compare numbers as numbers (a top-level trait that is a number,
 * kept sortable in {@code traitNumbers}); with text bounds they compare text (ISO dates compare
 * correctly).
 */
final class SegmentConditions {
    static final int MAX_AT_LEAST = 100;
    static final int MAX_DAYS = 3650;
    private static final int MAX_DEPTH = 10;
    /** Sorts after any trait value Elasticsearch indexes (at most 1024 characters). */
    private static final String LAST_TEXT = new String(Character.toChars(Character.MAX_CODE_POINT)).repeat(1025);
    private static final List<String> KIND_ORDER = List.of("all", "any", "not", "trait", "event", "journey", "tier", "score",
            "tag", "unsubscribed", "seen", "brought");
    private static final Set<String> KINDS = Set.copyOf(KIND_ORDER);
    private static final Set<String> CHANNELS = Set.of("email", "sms");
    private static final Set<String> RANGE = Set.of("gte", "gt", "lte", "lt");

    private final ObjectMapper json;
    private final Set<TrackedBehaviour> behaviours = new LinkedHashSet<>();

    private SegmentConditions(ObjectMapper json) {
        this.json = json;
    }

    /** A segment's query, the same judged in memory, and the behaviours it needs counted on each lead. */
    record Compiled(ObjectNode query, Condition condition, List<TrackedBehaviour> behaviours) {
    }

    /** One condition both ways: as a query on the leads index and as a test of one lead. */
    private record Part(ObjectNode query, Condition test) {
    }

    /** @throws InvalidSegmentException naming the first condition at fault */
    static Compiled compile(JsonNode conditions, ObjectMapper json) {
        if (conditions == null || conditions.isNull() || conditions.isMissingNode()) {
            throw new InvalidSegmentException("conditions", "missing; give at least one condition, e.g. {\"all\":[{\"tier\":{\"in\":[\"hot\"]}}]}");
        }
        SegmentConditions compiler = new SegmentConditions(json);
        Part part = compiler.condition(conditions, "conditions", 0);
        return new Compiled(part.query(), part.test(), List.copyOf(compiler.behaviours));
    }

    private Part condition(JsonNode node, String path, int depth) {
        if (!node.isObject() || node.isEmpty()) {
            throw new InvalidSegmentException(path, "a condition is an object such as {\"tier\":{\"in\":[\"hot\"]}}");
        }
        if (depth > MAX_DEPTH) {
            throw new InvalidSegmentException(path, "conditions nest deeper than " + MAX_DEPTH + " levels");
        }
        String kind = kindOf(node, path);
        return switch (kind) {
            case "all", "any" -> group(kind, node, path, depth);
            case "not" -> {
                only(node, path, "not");
                Part inner = condition(node.get("not"), path + ".not", depth + 1);
                yield new Part(bool("must_not", inner.query()), Condition.not(inner.test()));
            }
            case "tier" -> tier(node, path);
            case "score" -> score(node, path);
            case "tag" -> tag(node, path);
            case "trait" -> trait(node, path);
            case "event" -> event(node, path);
            case "unsubscribed" -> unsubscribed(node, path);
            case "brought" -> brought(node, path);
            case "journey" -> journey(node, path);
            default -> seen(node, path);
        };
    }

    private static String kindOf(JsonNode node, String path) {
        for (String kind : KIND_ORDER) {
            if (node.has(kind)) {
                return kind;
            }
        }
        String first = node.fieldNames().next();
        throw new InvalidSegmentException(path + "." + first, "unknown condition '" + first + "'; use one of "
                + String.join(", ", KIND_ORDER));
    }

    private Part group(String kind, JsonNode node, String path, int depth) {
        only(node, path, kind);
        JsonNode members = node.get(kind);
        if (!members.isArray() || members.isEmpty()) {
            throw new InvalidSegmentException(path + "." + kind, "a non-empty list of conditions");
        }
        ObjectNode bool = json.createObjectNode();
        ArrayNode clauses = bool.putObject("bool").putArray(kind.equals("all") ? "filter" : "should");
        List<Condition> tests = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            Part part = condition(members.get(i), path + "." + kind + "[" + i + "]", depth + 1);
            clauses.add(part.query());
            tests.add(part.test());
        }
        if (kind.equals("any")) {
            ((ObjectNode) bool.get("bool")).put("minimum_should_match", 1);
        }
        return new Part(bool, kind.equals("all") ? Condition.all(List.copyOf(tests)) : Condition.any(List.copyOf(tests)));
    }

    private Part tier(JsonNode node, String path) {
        only(node, path, "tier");
        JsonNode spec = objectAt(node, "tier", path);
        only(spec, path + ".tier", "in", "eq");
        List<String> tiers = spec.has("eq") ? List.of(text(spec.get("eq"), path + ".tier.eq")) : texts(spec.get("in"), path + ".tier.in");
        return new Part(terms(LeadFields.TIER, tiers), Condition.tierIn(Set.copyOf(tiers)));
    }

    private Part score(JsonNode node, String path) {
        only(node, path, "score");
        JsonNode spec = objectAt(node, "score", path);
        only(spec, path + ".score", RANGE.toArray(String[]::new));
        if (spec.isEmpty()) {
            throw new InvalidSegmentException(path + ".score", "give gte, gt, lte or lt");
        }
        ObjectNode bounds = json.createObjectNode();
        Map<String, Double> limits = new LinkedHashMap<>();
        spec.fields().forEachRemaining(bound -> {
            if (!bound.getValue().isNumber()) {
                throw new InvalidSegmentException(path + ".score." + bound.getKey(), "a number");
            }
            bounds.set(bound.getKey(), bound.getValue());
            limits.put(bound.getKey(), bound.getValue().asDouble());
        });
        return new Part(range(LeadFields.SCORE, bounds), Condition.score(limits));
    }

    private Part tag(JsonNode node, String path) {
        only(node, path, "tag");
        JsonNode spec = objectAt(node, "tag", path);
        only(spec, path + ".tag", "has", "hasAny");
        List<String> tags;
        if (spec.has("has")) {
            tags = List.of(text(spec.get("has"), path + ".tag.has"));
        } else if (spec.has("hasAny")) {
            tags = texts(spec.get("hasAny"), path + ".tag.hasAny");
        } else {
            throw new InvalidSegmentException(path + ".tag", "give has or hasAny");
        }
        return new Part(terms(LeadFields.TAGS, tags), Condition.tagIn(Set.copyOf(tags)));
    }

    private Part trait(JsonNode node, String path) {
        only(node, path, "trait", "eq", "in", "exists", "prefix", "gte", "gt", "lte", "lt");
        String name = text(node.get("trait"), path + ".trait");
        String field = LeadFields.TRAITS + "." + name;
        List<String> tests = new ArrayList<>();
        node.fieldNames().forEachRemaining(test -> {
            if (!test.equals("trait")) {
                tests.add(test);
            }
        });
        boolean range = !tests.isEmpty() && RANGE.containsAll(tests);
        if (tests.size() > 1 && !range) {
            throw new InvalidSegmentException(path + "." + tests.get(1), "one test per trait condition (here " + tests
                    + "); combine several with all or any");
        }
        if (node.has("eq") || node.has("in")) {
            List<String> values = node.has("eq") ? List.of(scalar(node.get("eq"), path + ".eq")) : texts(node.get("in"), path + ".in");
            return new Part(terms(field, values), Condition.traitIn(name, Set.copyOf(values)));
        }
        if (node.has("exists")) {
            if (!node.get("exists").isBoolean()) {
                throw new InvalidSegmentException(path + ".exists", "true or false");
            }
            ObjectNode exists = json.createObjectNode();
            exists.putObject("exists").put("field", field);
            Condition test = Condition.traitExists(name);
            return node.get("exists").asBoolean() ? new Part(exists, test) : new Part(bool("must_not", exists), Condition.not(test));
        }
        if (node.has("prefix")) {
            String start = text(node.get("prefix"), path + ".prefix");
            ObjectNode prefix = json.createObjectNode();
            prefix.putObject("prefix").put(field, start);
            return new Part(prefix, Condition.traitPrefix(name, start));
        }
        Map<String, JsonNode> bounds = new LinkedHashMap<>();
        for (String bound : RANGE) {
            if (node.has(bound)) {
                JsonNode value = node.get(bound);
                if (!value.isNumber() && !value.isTextual()) {
                    throw new InvalidSegmentException(path + "." + bound, "a number or a text");
                }
                bounds.put(bound, value);
            }
        }
        if (bounds.isEmpty()) {
            throw new InvalidSegmentException(path, "say what the trait must be: eq, in, exists, prefix, gte, gt, lte or lt");
        }
        if (bounds.values().stream().allMatch(JsonNode::isNumber)) {
            if (name.contains(".")) {
                throw new InvalidSegmentException(path + ".trait", "numbers compare as numbers on top-level traits only");
            }
            Map<String, Double> limits = new LinkedHashMap<>();
            ObjectNode encoded = json.createObjectNode();
            bounds.forEach((bound, value) -> {
                limits.put(bound, value.asDouble());
                encoded.put(bound, SortableNumber.of(value.asDouble()));
            });
            bothEnds(encoded, "0000000000000000", "ffffffffffffffff");
            return new Part(range(LeadFields.TRAIT_NUMBERS + "." + name, encoded), Condition.traitNumberRange(name, limits));
        }
        Map<String, String> limits = new LinkedHashMap<>();
        bounds.forEach((bound, value) -> limits.put(bound, value.asText()));
        return new Part(textRange(field, bounds), Condition.traitTextRange(name, limits));
    }

    private Part event(JsonNode node, String path) {
        only(node, path, "event", "where", "atLeast", "withinDays");
        String name = text(node.get("event"), path + ".event");
        Map<String, String> where = new LinkedHashMap<>();
        if (node.has("where")) {
            JsonNode spec = node.get("where");
            if (!spec.isObject()) {
                throw new InvalidSegmentException(path + ".where", "an object of property names and values, e.g. {\"category\":\"pricing\"}");
            }
            spec.fields().forEachRemaining(p -> where.put(p.getKey(), scalar(p.getValue(), path + ".where." + p.getKey())));
        }
        int atLeast = node.has("atLeast") ? whole(node.get("atLeast"), path + ".atLeast", 1, MAX_AT_LEAST) : 1;
        TrackedBehaviour behaviour = TrackedBehaviour.of(name, where, atLeast);
        behaviours.add(behaviour);
        if (!node.has("withinDays")) {
            ObjectNode exists = json.createObjectNode();
            exists.putObject("exists").put("field", behaviour.atField());
            return new Part(exists, Condition.did(behaviour, null));
        }
        int days = whole(node.get("withinDays"), path + ".withinDays", 1, MAX_DAYS);
        return new Part(range(behaviour.atField(), json.createObjectNode().put("gte", "now-" + days + "d")),
                Condition.did(behaviour, days));
    }

    private Part unsubscribed(JsonNode node, String path) {
        only(node, path, "unsubscribed");
        String channel = text(node.get("unsubscribed"), path + ".unsubscribed");
        if (!CHANNELS.contains(channel)) {
            throw new InvalidSegmentException(path + ".unsubscribed", "a channel: email or sms");
        }
        return new Part(term(LeadFields.UNSUBSCRIBED, channel), Condition.unsubscribed(channel));
    }

    private Part brought(JsonNode node, String path) {
        only(node, path, "brought");
        JsonNode spec = objectAt(node, "brought", path);
        only(spec, path + ".brought", "employee", "team", "campaign");
        if (spec.isEmpty()) {
            throw new InvalidSegmentException(path + ".brought", "give employee, team or campaign");
        }
        ObjectNode bool = json.createObjectNode();
        ArrayNode clauses = bool.putObject("bool").putArray("filter");
        List<Condition> tests = new ArrayList<>();
        spec.fields().forEachRemaining(by -> {
            String at = path + ".brought." + by.getKey();
            List<String> values = by.getValue().isArray() ? texts(by.getValue(), at) : List.of(text(by.getValue(), at));
            clauses.add(terms(LeadFields.BROUGHT + "." + by.getKey(), values));
            tests.add(Condition.brought(by.getKey(), Set.copyOf(values)));
        });
        return new Part(bool, Condition.all(List.copyOf(tests)));
    }

    private Part journey(JsonNode node, String path) {
        only(node, path, "journey", "at", "finished", "entered");
        String journey = text(node.get("journey"), path + ".journey");
        if (node.size() > 2) {
            throw new InvalidSegmentException(path, "one of at, finished or entered per journey condition; combine several with all or any");
        }
        String field = LeadFields.JOURNEYS + "." + journey;
        if (node.has("at")) {
            String step = text(node.get("at"), path + ".at");
            ObjectNode both = json.createObjectNode();
            both.putObject("bool").putArray("filter").add(term(field + ".state", JourneyState.ACTIVE)).add(term(field + ".step", step));
            return new Part(both, Condition.journeyAt(journey, step));
        }
        if (node.has("finished")) {
            JsonNode finished = node.get("finished");
            if (finished.isBoolean() && finished.asBoolean()) {
                return new Part(term(field + ".state", JourneyState.FINISHED), Condition.journeyFinished(journey, null));
            }
            String end = text(finished, path + ".finished");
            ObjectNode both = json.createObjectNode();
            both.putObject("bool").putArray("filter").add(term(field + ".state", JourneyState.FINISHED)).add(term(field + ".end", end));
            return new Part(both, Condition.journeyFinished(journey, end));
        }
        if (node.has("entered")) {
            if (!node.get("entered").isBoolean() || !node.get("entered").asBoolean()) {
                throw new InvalidSegmentException(path + ".entered", "true (for never entered, use not)");
            }
            ObjectNode exists = json.createObjectNode();
            exists.putObject("exists").put("field", field + ".state");
            return new Part(exists, Condition.journeyEntered(journey));
        }
        return new Part(term(field + ".state", JourneyState.ACTIVE), Condition.journeyAt(journey, null));
    }

    private Part seen(JsonNode node, String path) {
        only(node, path, "seen");
        JsonNode spec = objectAt(node, "seen", path);
        only(spec, path + ".seen", "withinDays");
        int days = whole(spec.get("withinDays"), path + ".seen.withinDays", 1, MAX_DAYS);
        return new Part(range(LeadFields.LAST_SEEN, json.createObjectNode().put("gte", "now-" + days + "d")),
                Condition.seenWithin(days));
    }

    private static void only(JsonNode node, String path, String... allowed) {
        Set<String> known = Set.of(allowed);
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidSegmentException(path + "." + name, "not part of this condition; it takes " + String.join(", ", allowed)
                        + (KINDS.contains(name) ? " (combine conditions with all or any)" : ""));
            }
        }
    }

    private static JsonNode objectAt(JsonNode node, String name, String path) {
        JsonNode spec = node.get(name);
        if (!spec.isObject()) {
            throw new InvalidSegmentException(path + "." + name, "an object, e.g. " + switch (name) {
                case "tier" -> "{\"in\":[\"warm\",\"hot\"]}";
                case "score" -> "{\"gte\":50}";
                case "tag" -> "{\"has\":\"interest:guide\"}";
                case "brought" -> "{\"employee\":\"alice\"}";
                default -> "{\"withinDays\":30}";
            });
        }
        return spec;
    }

    private static String text(JsonNode value, String path) {
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new InvalidSegmentException(path, "a non-empty text");
        }
        return value.asText();
    }

    /** A value to compare a trait or property with, as the index holds it (text). */
    private static String scalar(JsonNode value, String path) {
        if (value == null || !value.isValueNode() || value.isNull()) {
            throw new InvalidSegmentException(path, "a text, number or true/false");
        }
        return value.asText();
    }

    private static List<String> texts(JsonNode values, String path) {
        if (values == null || !values.isArray() || values.isEmpty()) {
            throw new InvalidSegmentException(path, "a non-empty list");
        }
        List<String> all = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            all.add(scalar(values.get(i), path + "[" + i + "]"));
        }
        return all;
    }

    private static int whole(JsonNode value, String path, int min, int max) {
        if (value == null || !value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < min || value.asInt() > max) {
            throw new InvalidSegmentException(path, "a whole number from " + min + " to " + max);
        }
        return value.asInt();
    }

    private ObjectNode term(String field, String value) {
        ObjectNode term = json.createObjectNode();
        term.putObject("term").put(field, value);
        return term;
    }

    private ObjectNode terms(String field, List<String> values) {
        ObjectNode terms = json.createObjectNode();
        ArrayNode list = terms.putObject("terms").putArray(field);
        values.forEach(list::add);
        return terms;
    }

    private ObjectNode range(String field, ObjectNode bounds) {
        ObjectNode range = json.createObjectNode();
        range.putObject("range").set(field, bounds);
        return range;
    }

    private ObjectNode textRange(String field, Map<String, JsonNode> bounds) {
        ObjectNode limits = json.createObjectNode();
        bounds.forEach((bound, value) -> limits.put(bound, value.asText()));
        bothEnds(limits, "", LAST_TEXT);
        return range(field, limits);
    }

    /** Elasticsearch takes a range on a flattened field's key only with both ends: an open end becomes the first or last text. */
    private static void bothEnds(ObjectNode bounds, String first, String last) {
        if (!bounds.has("gte") && !bounds.has("gt")) {
            bounds.put("gte", first);
        }
        if (!bounds.has("lte") && !bounds.has("lt")) {
            bounds.put("lte", last);
        }
    }

    private ObjectNode bool(String occur, ObjectNode clause) {
        ObjectNode bool = json.createObjectNode();
        bool.putObject("bool").putArray(occur).add(clause);
        return bool;
    }
}
