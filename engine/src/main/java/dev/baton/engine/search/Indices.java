package dev.baton.engine.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.json.JsonData;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Baton's Elasticsearch indices: names and mappings. Events go to monthly indices created from
 * an index template ({@code <prefix>-events-yyyy.MM}); every other name here is an alias to an
 * index of its mapping's version ({@code <prefix>-leads} → {@code <prefix>-leads-v1}), so callers
 * name the alias and a mapping change can rebuild the index behind it ({@link VersionedIndices}).
 * Mappings are explicit (resources under {@code elasticsearch/}, each with {@code _meta.version});
 * they are installed before the first use and again after any failure, so an Elasticsearch that
 * was down at start-up is handled.
 */
@Component
public class Indices {
    private static final Logger log = LoggerFactory.getLogger(Indices.class);
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy.MM").withZone(ZoneOffset.UTC);

    /** How long a caller waits for another thread's or node's installation before hearing "unavailable". */
    private static final Duration LOCK_WAIT = Duration.ofSeconds(30);
    /** A node that stops mid-migration leaves its lock; after this long without a heartbeat another node takes it. */
    private static final Duration LOCK_STALE_AFTER = Duration.ofMinutes(2);
    private static final Duration RETRY_FAILED_AFTER = Duration.ofMinutes(1);

    private final ElasticsearchClient client;
    private final String prefix;
    private final Mapping.Source mappings;
    private final VersionedIndices versioned;
    private final Clock clock;
    private final ReentrantLock installing = new ReentrantLock();
    private volatile boolean installed;
    private volatile Instant lastFailure;
    private volatile String lastFailureMessage;

    @Autowired
    public Indices(ElasticsearchClient client, SearchProperties properties) {
        this(client, properties.indexPrefix(), Mapping.Source.CLASSPATH);
    }

    /** Baton's indices under {@code prefix} on this cluster, for tools that load data before any node ran there. */
    public static Indices withPrefix(ElasticsearchClient client, String prefix) {
        return new Indices(client, prefix, Mapping.Source.CLASSPATH);
    }

    /** For tests: another prefix, and mappings other than the files on the classpath (a version bump). */
    Indices(ElasticsearchClient client, String prefix, Mapping.Source mappings) {
        this.client = client;
        this.prefix = prefix;
        this.mappings = mappings;
        this.clock = Clock.systemUTC();
        this.versioned = new VersionedIndices(client, schema(), nodeName(), LOCK_STALE_AFTER, LOCK_WAIT, clock);
    }

    /** Who holds a migration lock, for the logs of the nodes that wait: host, process, and a random part. */
    private static String nodeName() {
        return ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
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

    /** Saved segments: definitions, their compiled queries and their builds. */
    public String segments() {
        return prefix + "-segments";
    }

    /** The concrete index holding migration locks and which mapping version each index was installed at. */
    public String schema() {
        return prefix + "-schema";
    }

    /**
     * Installs the events template and every index, migrating any whose mapping version changed;
     * cheap after the first success. Called before first use and again after failures, on every node.
     */
    public void ensureInstalled() {
        if (installed) {
            return;
        }
        try {
            // One installer per node at a time; the others wait, bounded, then answer "unavailable".
            if (!installing.tryLock(LOCK_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new SearchUnavailableException("Baton's Elasticsearch indices are being installed or migrated", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SearchUnavailableException("interrupted while waiting for Baton's indices to be installed", e);
        }
        try {
            if (!installed) {
                install();
                installed = true;
                log.info("Elasticsearch indices ready (prefix '{}')", prefix);
            }
        } finally {
            installing.unlock();
        }
    }

    private void install() {
        Instant failedAt = lastFailure;
        if (failedAt != null && failedAt.plus(RETRY_FAILED_AFTER).isAfter(clock.instant())) {
            // A migration that failed (a document the new mapping rejects) would fail the same way
            // on every batch's retry, each time after a full copy: wait a little between attempts.
            throw new SearchUnavailableException("cannot install Baton's index mappings: " + lastFailureMessage
                    + " (next attempt after " + failedAt.plus(RETRY_FAILED_AFTER) + ")", null);
        }
        try {
            Mapping events = mapping("events");
            client.indices().putIndexTemplate(t -> t
                    .name(prefix + "-events")
                    .indexPatterns(allEvents())
                    .meta("version", JsonData.of(events.version()))
                    .template(tpl -> tpl
                            .settings(s -> s.numberOfShards("1").numberOfReplicas("0").refreshInterval(r -> r.time("1s")))
                            .mappings(events.body())));
            extendEventIndices(events);
            versioned.installSchemaIndex();
            install(leads(), "leads");
            install(identities(), "identities");
            install(forms(), "forms");
            install(ruleSets(), "rulesets");
            install(jobs(), "jobs");
            install(deliveries(), "deliveries");
            install(suppressions(), "suppressions");
            install(teams(), "teams");
            install(employees(), "employees");
            install(campaigns(), "campaigns");
            install(shares(), "shares");
            install(shareClicks(), "share-clicks");
            install(shareVisits(), "share-visits");
            install(shareBursts(), "share-bursts");
            install(shareJs(), "share-js");
            install(attribution(), "attribution");
            install(advocacyRules(), "rule-versions");
            install(salesRules(), "rule-versions");
            install(segments(), "segments");
            lastFailure = null;
        } catch (SearchUnavailableException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (e instanceof VersionedIndices.MigrationFailedException) {
                lastFailure = clock.instant();
                lastFailureMessage = e.getMessage();
            }
            throw new SearchUnavailableException("cannot install Baton's index mappings: " + e.getMessage(), e);
        }
    }

    private void install(String alias, String mappingName) throws IOException {
        versioned.install(alias, mapping(mappingName));
    }

    /**
     * The template shapes next month's index; the months that exist get the new fields in place.
     * A change Elasticsearch cannot apply in place (a field's type) is left to the next month.
     */
    private void extendEventIndices(Mapping events) throws IOException {
        try {
            client.indices().putMapping(p -> p.index(allEvents()).allowNoIndices(true).ignoreUnavailable(true)
                    .meta(events.body().meta()).properties(events.body().properties()));
        } catch (ElasticsearchException e) {
            if (!"illegal_argument_exception".equals(e.error().type())) {
                throw e;
            }
            log.warn("The events mapping v{} cannot be applied to the existing monthly indices ({}); "
                    + "it applies from the next month's index", events.version(), e.error().reason());
        }
    }

    private Mapping mapping(String name) {
        return Mapping.of(name, mappings.json(name));
    }
}
