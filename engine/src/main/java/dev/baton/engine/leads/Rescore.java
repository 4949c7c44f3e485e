package dev.baton.engine.leads;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.search.Hit;
import dev.baton.engine.scoring.ScoringService;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.SearchUnavailableException;
import dev.baton.rules.BehaviourEvent;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Rescores every lead from its stored events with the active rule set (after an activation, so
 * old leads are scored like new ones). Runs in the background on the node that was asked,
 * throttled to {@code baton.scoring.rescore-rate} leads a second so live events keep flowing,
 * and reports its progress in the jobs index, where any node can read it.
 *
 * <p>Writes are conditional on the version read: a lead that an event changed meanwhile is read
 * again and redone, so a rescore never loses an event's points. A lead whose stored events lag
 * behind its profile (an event being written right now) is redone once they are visible.
 */
@Component
class Rescore {
    private static final Logger log = LoggerFactory.getLogger(Rescore.class);
    private static final int PAGE = 100;
    private static final int MAX_ATTEMPTS = 5;
    /** A running job whose node has not reported for this long is shown as stalled. */
    private static final Duration STALLED_AFTER = Duration.ofMinutes(2);

    private final ElasticsearchClient client;
    private final Indices indices;
    private final LeadStore leads;
    private final StoredEvents events;
    private final LeadScorer scorer;
    private final TierChanges tierChanges;
    private final ScoringService scoring;
    private final Clock clock;
    private final int leadsPerSecond;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "rescore");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicReference<String> running = new AtomicReference<>();

    Rescore(ElasticsearchClient client, Indices indices, LeadStore leads, StoredEvents events, LeadScorer scorer,
            TierChanges tierChanges, ScoringService scoring, Clock clock,
            @Value("${baton.scoring.rescore-rate:200}") int leadsPerSecond) {
        this.client = client;
        this.indices = indices;
        this.leads = leads;
        this.events = events;
        this.scorer = scorer;
        this.tierChanges = tierChanges;
        this.scoring = scoring;
        this.clock = clock;
        this.leadsPerSecond = Math.max(1, leadsPerSecond);
    }

    /**
     * A rescore job's progress.
     *
     * @param state        running, done, failed, or stalled (its node stopped reporting)
     * @param leadsTotal   live leads when the job started (leads created later are scored by events)
     * @param leadsChanged leads whose score, tier or tags came out different
     * @param tierMoves    "from->to" → leads
     */
    public record Job(String id, String kind, String state, String ruleSetVersion, String requestedBy, String node,
                      long leadsTotal, long leadsDone, long leadsChanged, long eventsReplayed,
                      Map<String, Long> tierMoves, double leadsPerSecond, Instant startedAt, Instant updatedAt,
                      Instant finishedAt, String error) {
        Job progressed(String newState, long done, long changed, long replayed, Map<String, Long> moves, Instant now,
                       String failure) {
            double seconds = Math.max(0.001, Duration.between(startedAt, now).toMillis() / 1000.0);
            return new Job(id, kind, newState, ruleSetVersion, requestedBy, node, leadsTotal, done, changed, replayed,
                    Map.copyOf(moves), Math.round(done / seconds * 10) / 10.0, startedAt, now,
                    "running".equals(newState) ? null : now, failure);
        }
    }

    /** Starts a rescore (or returns the one this node is already running). */
    public Job start(String requestedBy) {
        String current = running.get();
        if (current != null) {
            return progress(current);
        }
        indices.ensureInstalled();
        Instant now = clock.instant();
        String version = scoring.current().version();
        Job job = new Job(UUID.randomUUID().toString(), "rescore", "running", version, requestedBy, nodeName(),
                countLiveLeads(), 0, 0, 0, Map.of(), 0, now, now, null, null);
        save(job);
        if (!running.compareAndSet(null, job.id())) {
            return progress(running.get());
        }
        runner.submit(() -> run(job));
        log.info("Rescore {} started by {}: {} leads with rule set {}, at most {} leads/s", job.id(), requestedBy,
                job.leadsTotal(), version, leadsPerSecond);
        return job;
    }

    /** A job's progress, from the jobs index (so any node answers). */
    public Job progress(String id) {
        try {
            var response = client.get(g -> g.index(indices.jobs()).id(id), Job.class);
            if (!response.found() || response.source() == null) {
                throw new JobNotFoundException(id);
            }
            Job job = response.source();
            if ("running".equals(job.state()) && job.updatedAt().isBefore(clock.instant().minus(STALLED_AFTER))) {
                return job.progressed("stalled", job.leadsDone(), job.leadsChanged(), job.eventsReplayed(),
                        job.tierMoves(), job.updatedAt(), "node " + job.node() + " stopped reporting; start a new rescore");
            }
            return job;
        } catch (IOException e) {
            throw new SearchUnavailableException("reading job " + id + " failed: " + e.getMessage(), e);
        }
    }

    private void run(Job job) {
        long done = 0;
        long changed = 0;
        long replayed = 0;
        Map<String, Long> moves = new LinkedHashMap<>();
        List<FieldValue> after = null;
        long started = System.nanoTime();
        Instant lastSaved = clock.instant();
        try {
            while (true) {
                LeadPage page = livePage(after);
                if (page.ids().isEmpty()) {
                    break;
                }
                after = page.next();
                PageResult result = rescorePage(job, page.ids());
                done += page.ids().size();
                changed += result.changed();
                replayed += result.events();
                result.moves().forEach((move, n) -> moves.merge(move, n, Long::sum));
                throttle(started, done);
                if (Duration.between(lastSaved, clock.instant()).toSeconds() >= 1) {
                    save(job.progressed("running", done, changed, replayed, moves, clock.instant(), null));
                    lastSaved = clock.instant();
                    log.info("Rescore {}: {}/{} leads, {} changed", job.id(), done, job.leadsTotal(), changed);
                }
            }
            Job finished = job.progressed("done", done, changed, replayed, moves, clock.instant(), null);
            save(finished);
            log.info("Rescore {} done: {} leads ({} changed, tier moves {}), {} events replayed, {} leads/s", job.id(),
                    done, changed, moves, replayed, finished.leadsPerSecond());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            saveQuietly(job.progressed("failed", done, changed, replayed, moves, clock.instant(), "interrupted"));
        } catch (IOException | RuntimeException e) {
            log.warn("Rescore {} failed after {} leads: {}", job.id(), done, e.getMessage());
            saveQuietly(job.progressed("failed", done, changed, replayed, moves, clock.instant(), e.getMessage()));
        } finally {
            running.set(null);
        }
    }

    private record LeadPage(List<String> ids, List<FieldValue> next) {
    }

    private record PageResult(long changed, long events, Map<String, Long> moves) {
    }

    /**
     * Rescores one page of leads: read, rebuild from events, write if nobody changed them meanwhile;
     * those changed meanwhile (or whose events are not all visible yet) are read again and redone.
     */
    private PageResult rescorePage(Job job, List<String> ids) throws IOException, InterruptedException {
        long changed = 0;
        long replayed = 0;
        Map<String, Long> moves = new HashMap<>();
        List<String> todo = ids;
        for (int attempt = 1; !todo.isEmpty(); attempt++) {
            if (attempt > MAX_ATTEMPTS) {
                throw new IOException("leads kept changing while being rescored: " + todo);
            }
            if (attempt > 1) {
                events.refresh();
            }
            Map<String, LeadStore.Versioned> read = leads.getAll(todo);
            List<LeadProfile> rebuilt = new ArrayList<>();
            List<TierChanges.TierChange> tierMoves = new ArrayList<>();
            List<String> lagging = new ArrayList<>();
            Instant now = clock.instant();
            for (LeadStore.Versioned versioned : read.values()) {
                LeadProfile before = versioned.profile();
                if (before.mergedInto() != null) {
                    continue;
                }
                List<BehaviourEvent> history = events.of(before);
                if (history.size() < before.eventCount()) {
                    lagging.add(before.id());
                    continue;
                }
                replayed += history.size();
                LeadProfile after = scorer.rebuilt(before, history, now);
                if (same(before, after)) {
                    continue;
                }
                rebuilt.add(after);
                if (after.tier() != null && !after.tier().equals(before.tier())) {
                    tierMoves.add(new TierChanges.TierChange(after.id(), before.tier(), after.tier(), after.score(),
                            after.ruleSetVersion(), "rescore", job.id(), now));
                }
            }
            tierChanges.publish(tierMoves);
            Map<String, String> failed = leads.tryWriteAll(rebuilt, read);
            for (LeadProfile lead : rebuilt) {
                if (!failed.containsKey(lead.id())) {
                    changed++;
                }
            }
            for (TierChanges.TierChange move : tierMoves) {
                if (!failed.containsKey(move.leadId())) {
                    moves.merge(move.from() + "->" + move.to(), 1L, Long::sum);
                }
            }
            todo = new ArrayList<>(failed.keySet());
            todo.addAll(lagging);
            if (!todo.isEmpty()) {
                Thread.sleep(Math.min(1000, 50L * attempt)); // let the event being written land
            }
        }
        return new PageResult(changed, replayed, moves);
    }

    private static boolean same(LeadProfile before, LeadProfile after) {
        return before.score() == after.score() && java.util.Objects.equals(before.tier(), after.tier())
                && before.tags().equals(after.tags()) && java.util.Objects.equals(before.ruleSetVersion(), after.ruleSetVersion());
    }

    /** Waits so that, on average, no more than leadsPerSecond leads are done a second. */
    private void throttle(long startedNanos, long done) throws InterruptedException {
        long dueMillis = done * 1000 / leadsPerSecond;
        long elapsedMillis = (System.nanoTime() - startedNanos) / 1_000_000;
        if (dueMillis > elapsedMillis) {
            Thread.sleep(dueMillis - elapsedMillis);
        }
    }

    private LeadPage livePage(List<FieldValue> after) throws IOException {
        var response = client.search(s -> {
            s.index(indices.leads()).size(PAGE).source(src -> src.fetch(false))
                    .query(q -> q.bool(b -> b.mustNot(m -> m.exists(e -> e.field(LeadFields.MERGED_INTO)))))
                    .sort(o -> o.field(f -> f.field("id").order(SortOrder.Asc)));
            if (after != null) {
                s.searchAfter(after);
            }
            return s;
        }, Void.class);
        List<String> ids = new ArrayList<>();
        List<FieldValue> next = null;
        for (Hit<Void> hit : response.hits().hits()) {
            ids.add(hit.id());
            next = hit.sort();
        }
        return new LeadPage(ids, next);
    }

    private long countLiveLeads() {
        try {
            client.indices().refresh(r -> r.index(indices.leads()));
            return client.count(c -> c.index(indices.leads())
                    .query(q -> q.bool(b -> b.mustNot(m -> m.exists(e -> e.field(LeadFields.MERGED_INTO)))))).count();
        } catch (IOException e) {
            throw new SearchUnavailableException("counting leads failed: " + e.getMessage(), e);
        }
    }

    private void save(Job job) {
        try {
            client.index(i -> i.index(indices.jobs()).id(job.id()).document(job).refresh(Refresh.True));
        } catch (IOException e) {
            throw new SearchUnavailableException("saving job " + job.id() + " failed: " + e.getMessage(), e);
        }
    }

    private void saveQuietly(Job job) {
        try {
            save(job);
        } catch (RuntimeException e) {
            log.warn("Could not record the end of rescore {}: {}", job.id(), e.getMessage());
        }
    }

    private static String nodeName() {
        String host = System.getenv("HOSTNAME");
        return (host == null || host.isBlank() ? "node" : host) + "/" + ProcessHandle.current().pid();
    }
}
