package dev.baton.engine.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch.indices.IndexState;
import co.elastic.clients.elasticsearch.indices.add_block.IndicesBlockOptions;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.elasticsearch.core.search.ResponseBody;
import co.elastic.clients.json.JsonData;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each of Baton's logical indices ({@code baton-leads}…) as an alias to a concrete index
 * named after its mapping's version ({@code baton-leads-v2}), so that a mapping change Elasticsearch
 * cannot apply in place (a field's type) has a path: a new index, a reindex, and one atomic alias
 * swap. Readers and writers only ever name the alias.
 *
 * <p>Runs on every node at start and after failures, so each step is safe to repeat and to run on
 * two nodes at once: migrations take a lock in {@code <prefix>-schema}; the rest is idempotent.
 */
final class VersionedIndices {
    private static final Logger log = LoggerFactory.getLogger(VersionedIndices.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
    private static final int COPY_PAGE = 1000;
    private static final String SCROLL_KEEP_ALIVE = "2m";

    private final ElasticsearchClient client;
    private final String schemaIndex;
    private final String node;
    private final SchemaLock lock;
    private final Duration lockWait;
    private final Clock clock;

    /** A migration that cannot succeed by retrying at once: documents the new mapping rejects, or lost ones. */
    static final class MigrationFailedException extends IllegalStateException {
        MigrationFailedException(String message) {
            super(message);
        }
    }

    VersionedIndices(ElasticsearchClient client, String schemaIndex, String node, Duration lockStaleAfter, Duration lockWait,
                     Clock clock) {
        this.client = client;
        this.schemaIndex = schemaIndex;
        this.node = node;
        this.lock = new SchemaLock(client, schemaIndex, node, lockStaleAfter, clock);
        this.lockWait = lockWait;
        this.clock = clock;
    }

    /** What {@code <alias>} is in the cluster now. */
    private record State(String concrete, boolean aliased, OptionalInt version) {
        static final State NOTHING = new State(null, false, OptionalInt.empty());

        String describe() {
            return version.isPresent() ? "v" + version.getAsInt() : "(unversioned)";
        }
    }

    /** The small concrete index that holds the migration locks and the record of installed versions. */
    void installSchemaIndex() throws IOException {
        if (client.indices().exists(e -> e.index(schemaIndex)).value()) {
            return;
        }
        try {
            client.indices().create(c -> c.index(schemaIndex)
                    .settings(s -> s.numberOfShards("1").numberOfReplicas("0"))
                    .mappings(m -> m.dynamic(co.elastic.clients.elasticsearch._types.mapping.DynamicMapping.False)
                            .properties("node", p -> p.keyword(k -> k))
                            .properties("index", p -> p.keyword(k -> k))
                            .properties("alias", p -> p.keyword(k -> k))
                            .properties("version", p -> p.integer(i -> i))
                            .properties("heartbeat", p -> p.date(d -> d))
                            .properties("installedAt", p -> p.date(d -> d)))
                    .waitForActiveShards(w -> w.count(1)));
        } catch (ElasticsearchException e) {
            if (!"resource_already_exists_exception".equals(e.error().type())) {
                throw e;
            }
        }
    }

    /**
     * Makes {@code alias} point at an index with {@code mapping}'s version: creates it, extends it in
     * place (same version: new fields and dynamic templates only), or migrates to it (older version, or a concrete index
     * of that name from before versioning).
     */
    void install(String alias, Mapping mapping) throws IOException {
        for (int attempt = 1; ; attempt++) {
            State state = inspect(alias);
            if (state == State.NOTHING) {
                if (create(alias, mapping)) {
                    return;
                }
            } else if (state.aliased() && state.version().isPresent() && state.version().getAsInt() == mapping.version()) {
                client.indices().putMapping(p -> p.index(state.concrete()).properties(mapping.body().properties())
                        .dynamicTemplates(mapping.body().dynamicTemplates()));
                return;
            } else if (state.aliased() && state.version().isPresent() && state.version().getAsInt() > mapping.version()) {
                // A newer Baton migrated it while this older node still runs (a rolling upgrade): leave it be.
                log.warn("Index {} is at v{}, newer than this node's v{} of mapping {}; left as it is",
                        alias, state.version().getAsInt(), mapping.version(), mapping.name());
                return;
            } else {
                migrateUnderLock(alias, mapping);
            }
            if (attempt >= 5) {
                throw new IllegalStateException("index " + alias + " kept changing while being installed");
            }
        }
    }

    private State inspect(String alias) throws IOException {
        if (!client.indices().exists(e -> e.index(alias)).value()) {
            return State.NOTHING;
        }
        Map<String, IndexState> found = client.indices().get(g -> g.index(alias)).result();
        if (found.size() != 1) {
            throw new IllegalStateException(alias + " names " + found.keySet() + "; Baton expects one index");
        }
        var entry = found.entrySet().iterator().next();
        String concrete = entry.getKey();
        boolean aliased = !concrete.equals(alias);
        OptionalInt version = Mapping.versionOf(entry.getValue().mappings());
        if (version.isEmpty() && aliased && concrete.matches(java.util.regex.Pattern.quote(alias) + "-v\\d+")) {
            // Behind the alias but its _meta lost (restored by hand, say): the name still says the version.
            version = OptionalInt.of(Integer.parseInt(concrete.substring(alias.length() + 2)));
        }
        return new State(concrete, aliased, version);
    }

    /** Creates {@code <alias>-v<N>} with its alias in one request; false if another node got there first. */
    private boolean create(String alias, Mapping mapping) throws IOException {
        String index = versioned(alias, mapping);
        try {
            client.indices().create(c -> c.index(index)
                    .settings(s -> s.numberOfShards("1").numberOfReplicas("0"))
                    .mappings(mapping.body())
                    .aliases(alias, a -> a)
                    .waitForActiveShards(w -> w.count(1)));
        } catch (ElasticsearchException e) {
            String type = e.error().type();
            // Another node created it (or, during an upgrade, an older node created a concrete index
            // of the alias's name): look again.
            if ("resource_already_exists_exception".equals(type) || "invalid_alias_name_exception".equals(type)) {
                return false;
            }
            throw e;
        }
        record(alias, index, mapping.version(), 0);
        log.info("Created index {} (mapping {} v{}) behind alias {}", index, mapping.name(), mapping.version(), alias);
        return true;
    }

    /** Waits for the lock (bounded: callers retry), then migrates unless another node already did. */
    private void migrateUnderLock(String alias, Mapping mapping) throws IOException {
        Instant giveUp = clock.instant().plus(lockWait);
        SchemaLock.Attempt attempt = lock.tryAcquire(alias);
        while (attempt instanceof SchemaLock.Busy busy) {
            if (clock.instant().isAfter(giveUp)) {
                throw new SearchUnavailableException("index " + alias + " is being migrated by node " + busy.holder().node()
                        + "; its writes resume when that ends", null);
            }
            pause(POLL);
            attempt = lock.tryAcquire(alias);
        }
        SchemaLock.Held held = (SchemaLock.Held) attempt;
        try {
            State state = inspect(alias); // the previous holder may have done the work
            boolean current = state.aliased() && state.version().isPresent() && state.version().getAsInt() >= mapping.version();
            if (state != State.NOTHING && !current) {
                migrate(alias, state, mapping, held);
            }
        } finally {
            held.release();
        }
    }

    private void migrate(String alias, State from, Mapping mapping, SchemaLock.Held held) throws IOException {
        String source = from.concrete();
        String target = versioned(alias, mapping);
        if (source.equals(target)) {
            throw new IllegalStateException(alias + " is already " + target + " yet not at v" + mapping.version());
        }
        long started = System.nanoTime();
        log.info("Migrating index {} {} → v{}: writes to it pause until done", alias, from.describe(), mapping.version());
        // A target left by a migration that died half-way was never behind the alias: start it again.
        if (client.indices().exists(e -> e.index(target)).value()) {
            client.indices().delete(d -> d.index(target));
        }
        // Writers fail from here (Baton's consumers redo their batch, APIs answer 503) rather than
        // write to an index whose copy is under way. The block waits for writes in flight, and the
        // refresh makes every one of them visible to the reindex.
        client.indices().addBlock(b -> b.index(source).block(IndicesBlockOptions.Write));
        boolean swapped = false;
        try {
            client.indices().refresh(r -> r.index(source));
            long documents = client.count(c -> c.index(source)).count();
            client.indices().create(c -> c.index(target)
                    .settings(s -> s.numberOfShards("1").numberOfReplicas("0"))
                    .mappings(mapping.body())
                    .waitForActiveShards(w -> w.count(1)));
            long copied = copy(alias, source, target, documents, held);
            client.indices().refresh(r -> r.index(target));
            long counted = client.count(c -> c.index(target)).count();
            if (counted != documents) {
                throw new MigrationFailedException("copying " + source + " into " + target + " gave " + counted
                        + " of " + documents + " documents");
            }
            // One request: the alias moves and the old index goes at once, so no reader sees neither
            // or both (Elasticsearch's documented way of replacing an index by an alias).
            client.indices().updateAliases(u -> u
                    .actions(a -> a.add(add -> add.index(target).alias(alias)))
                    .actions(a -> a.removeIndex(r -> r.index(source))));
            swapped = true;
            record(alias, target, mapping.version(), copied);
            log.info("Migrating index {} {} → v{}: {} documents reindexed in {} s", alias, from.describe(), mapping.version(),
                    String.format("%,d", copied), String.format("%.1f", (System.nanoTime() - started) / 1e9));
        } finally {
            if (!swapped) {
                undo(source, target);
            }
        }
    }

    /**
     * Copies every document of source into target, a page at a time, logging progress and keeping
     * the lock alive. By scroll and bulk rather than {@code _reindex}: the Elasticsearch of local
     * mode and the tests (the integ-test distribution) has no reindex module, and this is the
     * same work done from here. The source is write-blocked and refreshed, so the scroll sees all.
     */
    private long copy(String alias, String source, String target, long documents, SchemaLock.Held held) throws IOException {
        long copied = 0;
        Instant nextReport = clock.instant().plus(PROGRESS_EVERY);
        ResponseBody<JsonData> page = client.search(s -> s.index(source).size(COPY_PAGE).scroll(t -> t.time(SCROLL_KEEP_ALIVE))
                .sort(o -> o.doc(d -> d)), JsonData.class);
        try {
            while (!page.hits().hits().isEmpty()) {
                List<BulkOperation> operations = new ArrayList<>();
                for (Hit<JsonData> hit : page.hits().hits()) {
                    operations.add(BulkOperation.of(o -> o.create(c -> c.index(target).id(hit.id()).document(hit.source()))));
                }
                BulkResponse written = client.bulk(b -> b.operations(operations));
                if (written.errors()) {
                    List<BulkResponseItem> rejected = written.items().stream().filter(i -> i.error() != null).toList();
                    BulkResponseItem first = rejected.get(0);
                    throw new MigrationFailedException("copying " + source + " into " + target + ": " + rejected.size()
                            + " documents rejected, first " + first.id() + " (" + first.status() + "): " + first.error().reason());
                }
                copied += operations.size();
                if (clock.instant().isAfter(nextReport)) {
                    log.info("Migrating index {}: {} of {} documents copied", alias, String.format("%,d", copied),
                            String.format("%,d", documents));
                    held.heartbeat();
                    nextReport = clock.instant().plus(PROGRESS_EVERY);
                }
                String scrollId = page.scrollId();
                page = client.scroll(s -> s.scrollId(scrollId).scroll(t -> t.time(SCROLL_KEEP_ALIVE)), JsonData.class);
            }
        } finally {
            String scrollId = page.scrollId();
            if (scrollId != null) {
                try {
                    client.clearScroll(c -> c.scrollId(scrollId));
                } catch (IOException | RuntimeException e) {
                    log.debug("Could not clear the migration's scroll (it expires by itself): {}", e.getMessage());
                }
            }
        }
        return copied;
    }

    /** After a failed migration: the old index takes writes again, the half-built one goes. */
    private void undo(String source, String target) {
        try {
            client.indices().putSettings(p -> p.index(source).settings(s -> s.blocks(b -> b.write(false))));
            if (client.indices().exists(e -> e.index(target)).value()) {
                client.indices().delete(d -> d.index(target));
            }
        } catch (IOException | RuntimeException e) {
            log.error("After a failed migration, could not lift the write block on {} or delete {}: {}", source, target,
                    e.getMessage());
        }
    }

    /** Which version each index was installed at, when, by which node: the history operators read. */
    private void record(String alias, String index, int version, long documents) throws IOException {
        client.index(i -> i.index(schemaIndex).id(index)
                .document(Map.of("alias", alias, "index", index, "version", version, "documents", documents,
                        "node", node, "installedAt", clock.instant().toString()))
                .refresh(Refresh.False));
    }

    static String versioned(String alias, Mapping mapping) {
        return alias + "-v" + mapping.version();
    }

    private static void pause(Duration duration) throws IOException {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while installing Elasticsearch indices", e);
        }
    }
}
