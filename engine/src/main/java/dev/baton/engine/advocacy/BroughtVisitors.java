package dev.baton.engine.advocacy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregation;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeBucket;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.search.CompositePages;
import dev.baton.engine.search.Indices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Pages over the visitors shares brought (first touch) in a scope and the people they became,
 * each person exactly once however many visitors there are: a composite aggregation over the
 * attribution index, each page joined to the live profiles behind it. A person seen under several
 * visitor ids (two devices, a landing page on the customer's domain) belongs to the page of its
 * first id in scope (the aggregation's order), whatever page its other ids are on.
 */
@Component
class BroughtVisitors {
    /** Visitors per page. */
    static final int PAGE = 1000;
    private final ElasticsearchClient client;
    private final Indices indices;
    private final VisitorProfiles profiles;

    BroughtVisitors(ElasticsearchClient client, Indices indices, VisitorProfiles profiles) {
        this.client = client;
        this.indices = indices;
        this.profiles = profiles;
    }

    /** A visitor brought: the employees (of those asked about) along its first touch's chain, and whether it submitted a form. */
    record Visitor(Set<String> sharers, boolean form) {
    }

    /**
     * A person brought.
     *
     * @param profile  the live profile; null for a visitor no profile holds yet (one who did one thing)
     * @param visitors the person's visitor ids brought in scope, each with its first touch
     */
    record Person(VisitorProfiles.Profile profile, Map<String, Visitor> visitors) {

        /** The employees whose chains brought any of the person's visitors. */
        Set<String> sharers() {
            Set<String> sharers = new HashSet<>();
            visitors.values().forEach(v -> sharers.addAll(v.sharers()));
            return sharers;
        }

        /** How many of the person's visitors brought submitted a form. */
        long forms() {
            return visitors.values().stream().filter(Visitor::form).count();
        }

        /** Events the person sent. */
        long events() {
            return profile == null ? 0 : profile.events();
        }
    }

    /**
     * One page: the people whose first visitor id in scope is on it, and the ids their events may
     * carry that no other page gives: the page's visitor ids, and its people's lead ids and the
     * ids of leads folded into them (unless those are visitors brought, given by their own page).
     */
    record Page(List<Person> people, Set<String> ids) {
    }

    /** Receives each page of people. */
    interface Pages {
        void page(Page page) throws IOException;
    }

    /**
     * Calls {@code pages} with each page of the people brought by visitors matching {@code scope}
     * (an attribution query).
     *
     * @param employees whose part in each chain to report (the visitors' sharers); empty for none
     */
    void forEachPage(Query scope, Set<String> employees, Pages pages) throws IOException {
        List<String> sharers = List.copyOf(employees);
        Map<String, Aggregation> perVisitor = new HashMap<>();
        if (!sharers.isEmpty()) {
            perVisitor.put("sharers", Aggregation.of(x -> x.terms(t -> t.field("firstTouch.chainSharers")
                    .size(sharers.size()).include(i -> i.terms(sharers)))));
        }
        perVisitor.put("form", Aggregation.of(x -> x.filter(f -> f.term(t -> t.field("formSubmitted").value(true)))));
        CompositePages.forEach(client, List.of(indices.attribution()), scope, "visitor", PAGE, perVisitor, visitors -> {
            Map<String, Visitor> page = new LinkedHashMap<>();
            for (CompositeBucket bucket : visitors) {
                Set<String> chain = new HashSet<>();
                if (!sharers.isEmpty()) {
                    for (StringTermsBucket b : bucket.aggregations().get("sharers").sterms().buckets().array()) {
                        chain.add(b.key().stringValue());
                    }
                }
                page.put(CompositePages.member(bucket), new Visitor(chain, bucket.aggregations().get("form").filter().docCount() > 0));
            }
            pages.page(peopleOf(page, scope, employees));
        });
    }

    /** The people whose first visitor id in scope is on this page. */
    private Page peopleOf(Map<String, Visitor> page, Query scope, Set<String> employees) throws IOException {
        List<VisitorProfiles.Profile> found = profiles.of(page.keySet());
        Set<String> elsewhere = new HashSet<>();
        found.forEach(p -> p.visitorIds().stream().filter(v -> !page.containsKey(v)).forEach(elsewhere::add));
        Map<String, Visitor> attributed = new HashMap<>(attributed(elsewhere, scope, employees));
        attributed.putAll(page);
        List<Person> owned = new ArrayList<>();
        Set<String> ids = new HashSet<>(page.keySet());
        Set<String> held = new HashSet<>();
        for (VisitorProfiles.Profile profile : found) {
            Map<String, Visitor> visitors = new LinkedHashMap<>();
            profile.visitorIds().stream().filter(attributed::containsKey).sorted(BroughtVisitors::byBytes)
                    .forEach(v -> visitors.put(v, attributed.get(v)));
            held.addAll(visitors.keySet());
            if (!visitors.isEmpty() && page.containsKey(visitors.keySet().iterator().next())) {
                owned.add(new Person(profile, visitors));
                ids.add(profile.id());
                ids.addAll(profile.formerIds());
            }
        }
        page.forEach((visitor, v) -> {
            if (!held.contains(visitor)) {
                owned.add(new Person(null, Map.of(visitor, v)));
            }
        });
        ids.removeIf(id -> attributed.containsKey(id) && !page.containsKey(id));
        return new Page(owned, ids);
    }

    /** The visitors among these that were brought in scope, read in pages the result window allows. */
    private Map<String, Visitor> attributed(Set<String> visitors, Query scope, Set<String> employees) throws IOException {
        Map<String, Visitor> found = new HashMap<>();
        List<String> ids = List.copyOf(visitors);
        for (int from = 0; from < ids.size(); from += PAGE) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + PAGE));
            var response = client.search(s -> s.index(indices.attribution()).size(chunk.size())
                    .query(q -> q.bool(b -> b.filter(scope).filter(f -> f.ids(i -> i.values(chunk)))))
                    .source(src -> src.filter(f -> f.includes("firstTouch.chainSharers", "formSubmitted"))), JsonNode.class);
            for (var hit : response.hits().hits()) {
                Set<String> chain = new HashSet<>();
                hit.source().path("firstTouch").path("chainSharers").forEach(v -> {
                    if (employees.contains(v.asText())) {
                        chain.add(v.asText());
                    }
                });
                found.put(hit.id(), new Visitor(chain, hit.source().path("formSubmitted").asBoolean()));
            }
        }
        return found;
    }

    /** Elasticsearch orders keyword terms by their UTF-8 bytes. */
    private static int byBytes(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
