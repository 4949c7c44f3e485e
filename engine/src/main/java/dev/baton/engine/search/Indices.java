package dev.baton.engine.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.mapping.TypeMapping;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Baton's Elasticsearch indices: names and mappings. Events go to monthly indices created from
 * an index template ({@code <prefix>-events-yyyy.MM}); leads to one index. Mappings are explicit
 * (resources under {@code elasticsearch/}); they are installed before the first write and
 * again after any failure, so an Elasticsearch that was down at start-up is handled.
 */
@Component
public class Indices {
    private static final Logger log = LoggerFactory.getLogger(Indices.class);
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy.MM").withZone(ZoneOffset.UTC);

    private final ElasticsearchClient client;
    private final String prefix;
    private volatile boolean installed;

    public Indices(ElasticsearchClient client, SearchProperties properties) {
        this.client = client;
        this.prefix = properties.indexPrefix();
    }

    /** The monthly events index an event with this timestamp belongs to. */
    public String events(Instant timestamp) {
        return prefix + "-events-" + MONTH.format(timestamp);
    }

    /** All events indices, for searches. */
    public String allEvents() {
        return prefix + "-events-*";
    }

    public String leads() {
        return prefix + "-leads";
    }

    public String ruleSets() {
        return prefix + "-rulesets";
    }

    /** Long-running jobs (rescore) and their progress, readable from any node. */
    public String jobs() {
        return prefix + "-jobs";
    }

    /** One document per send, by idempotency key: what was sent, so a retry never sends twice. */
    public String deliveries() {
        return prefix + "-deliveries";
    }

    /** Addresses and numbers that opted out, by channel: nothing is sent to them. */
    public String suppressions() {
        return prefix + "-suppressions";
    }

    public String forms() {
        return prefix + "-forms";
    }

    public String identities() {
        return prefix + "-identities";
    }

    public String teams() {
        return prefix + "-teams";
    }

    public String employees() {
        return prefix + "-employees";
    }

    public String campaigns() {
        return prefix + "-campaigns";
    }

    /** Share links by code: who shared what, and the chain above them. */
    public String shares() {
        return prefix + "-shares";
    }

    /** One document per click on a share link, counted or excluded (self, repeat, bot, burst). */
    public String shareClicks() {
        return prefix + "-share-clicks";
    }

    /** First click of a visitor on a share (id share|visitor): what makes a repeat a repeat on every node. */
    public String shareVisits() {
        return prefix + "-share-visits";
    }

    /** Recent clicks per share link and address (a sliding minute), for the burst rule on every node. */
    public String shareBursts() {
        return prefix + "-share-bursts";
    }

    /** Share clicks whose landing page reported back (its snippet ran): one document per click id. */
    public String shareJs() {
        return prefix + "-share-js";
    }

    /** First- and last-touch share of each visitor brought by a share, and what it did since. */
    public String attribution() {
        return prefix + "-attribution";
    }

    /** Versions of the advocacy point rules (DRL) and which is active. */
    public String advocacyRules() {
        return prefix + "-advocacy-rules";
    }

    /** Versions of the sales assignment rules (DRL) and which is active. */
    public String salesRules() {
        return prefix + "-sales-rules";
    }

    /** Installs the events template and the leads index once; cheap after the first success. */
    public void ensureInstalled() {
        if (installed) {
            return;
        }
        try {
            client.indices().putIndexTemplate(t -> t
                    .name(prefix + "-events")
                    .indexPatterns(allEvents())
                    .template(tpl -> tpl
                            .settings(s -> s.numberOfShards("1").numberOfReplicas("0").refreshInterval(r -> r.time("1s")))
                            .mappings(mapping("events"))));
            createIfMissing(leads(), "leads");
            createIfMissing(identities(), "identities");
            createIfMissing(forms(), "forms");
            createIfMissing(ruleSets(), "rulesets");
            createIfMissing(jobs(), "jobs");
            createIfMissing(deliveries(), "deliveries");
            createIfMissing(suppressions(), "suppressions");
            createIfMissing(teams(), "teams");
            createIfMissing(employees(), "employees");
            createIfMissing(campaigns(), "campaigns");
            createIfMissing(shares(), "shares");
            createIfMissing(shareClicks(), "share-clicks");
            createIfMissing(shareVisits(), "share-visits");
            createIfMissing(shareBursts(), "share-bursts");
            createIfMissing(shareJs(), "share-js");
            createIfMissing(attribution(), "attribution");
            createIfMissing(advocacyRules(), "rule-versions");
            createIfMissing(salesRules(), "rule-versions");
            installed = true;
            log.info("Elasticsearch indices ready (prefix '{}')", prefix);
        } catch (IOException | RuntimeException e) {
            throw new SearchUnavailableException("cannot install Baton's index mappings: " + e.getMessage(), e);
        }
    }

    /**
     * Creates the index, or adds the fields a newer Baton maps to an index an older one created
     * (mappings here only ever gain fields, which Elasticsearch applies in place).
     */
    private void createIfMissing(String index, String mappingName) throws IOException {
        if (client.indices().exists(e -> e.index(index)).value()) {
            TypeMapping mapping = mapping(mappingName);
            client.indices().putMapping(p -> p.index(index).properties(mapping.properties()));
        } else {
            try {
                client.indices().create(c -> c.index(index)
                        .settings(s -> s.numberOfShards("1").numberOfReplicas("0"))
                        .mappings(mapping(mappingName))
                        .waitForActiveShards(w -> w.count(1)));
            } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException e) {
                // Another node created it between our check and our create.
                if (!"resource_already_exists_exception".equals(e.error().type())) {
                    throw e;
                }
            }
        }
    }

    private static TypeMapping mapping(String name) {
        String resource = "elasticsearch/" + name + "-mapping.json";
        try (InputStream in = Indices.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing " + resource);
            }
            return TypeMapping.of(m -> m.withJson(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
