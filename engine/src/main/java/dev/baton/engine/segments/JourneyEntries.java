package dev.baton.engine.segments;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import dev.baton.engine.journeys.JourneyCorrelator;
import dev.baton.engine.journeys.JourneySignal;
import dev.baton.engine.journeys.JourneyShapes;
import dev.baton.engine.journeys.JourneySignals;
import dev.baton.engine.messaging.AudienceSends;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.SearchUnavailableException;
import dev.baton.engine.web.NotFoundException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * "Today, everyone now in segment S enters journey J": a background job that pages through the
 * segment's members (by lead id, so it resumes after the last lead it handled) and sends each an
 * entry signal through the journeys topic, keyed by lead, throttled to
 * {@code baton.segments.entry-rate} leads a second. The journeys consumer starts J for each lead
 * its re-entry policy lets in; an entry signal counts once, so the same job run again (after a
 * crash, taken over by another node) enters nobody twice, and a new job follows the re-entry
 * policy. Progress is in the jobs index, readable from any node; cancel stops it between pages.
 *
 * <p>Each entered lead costs a Camunda process instance (about 80 a second on a 2-core machine),
 * unless the journey only sends ({@link JourneyShapes#sendsOnly}: start, send steps, end): then the
 * job hands each member's sends to the send workers ({@link AudienceSends}, batch = the job) at the
 * channel's send rate, under the same guards, and no lead gets a process instance
 * (docs/architecture.md, "Audience steps at scale").
 */
@Component
class JourneyEntries {
    private static final Logger log = LoggerFactory.getLogger(JourneyEntries.class);
    private static final int PAGE = 200;

    private final JobDocuments<EntryJob> jobs;
    private final JourneyShapes shapes;
    private final AudienceSends sends;
    private final int emailRate;
    private final int smsRate;
    private final SegmentStore segments;
    private final JourneySignals signals;
    private final RepositoryService repository;
    private final HistoryService history;
    private final Clock clock;
    private final int leadsPerSecond;
    /** A running job whose node has not reported for this long is taken over by another. */
    private final Duration stalledAfter;
    private final String node = ManagementFactory.getRuntimeMXBean().getName();
    /** A thread per job: a job waiting in a queue would look stalled to the other nodes. */
    private final ExecutorService runner = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "journey-entries");
        thread.setDaemon(true);
        return thread;
    });

    JourneyEntries(ElasticsearchClient client, Indices indices, SegmentStore segments, JourneySignals signals,
                   RepositoryService repository, HistoryService history, Clock clock, JourneyShapes shapes,
                   AudienceSends sends, @Value("${baton.segments.entry-rate:200}") int leadsPerSecond,
                   @Value("${baton.broadcasts.email-rate:500}") int emailRate,
                   @Value("${baton.broadcasts.sms-rate:${baton.sms.rate:10}}") int smsRate,
                   @Value("${baton.segments.entry-stalled-after:2m}") Duration stalledAfter) {
        this.stalledAfter = stalledAfter;
        this.shapes = shapes;
        this.sends = sends;
        this.emailRate = Math.max(1, emailRate);
        this.smsRate = Math.max(1, smsRate);
        this.jobs = new JobDocuments<>(client, indices, "journey-entry", EntryJob.class, EntryJob::kind, "journey entry job");
        this.segments = segments;
        this.signals = signals;
        this.repository = repository;
        this.history = history;
        this.clock = clock;
        this.leadsPerSecond = Math.max(1, leadsPerSecond);
    }

    /**
     * An entry job's progress.
     *
     * @param state     running, done, cancelled, failed, or stalled (its node stopped reporting; another takes it over)
     * @param total     members when the job started (leads joining later enter through a journey that starts on the segment)
     * @param published entry signals sent so far
     * @param entered   leads the journey started for (the others' re-entry policy or a running instance kept them out)
     * @param after     the last lead id handled: where the job resumes
     * @param sends     when the journey only sends (start, send steps, end): its steps, done by the send workers
     *                  with no process instance per lead; empty when each lead enters a process instance
     * @param outcome   for a send-only journey, what became of its first step's sends (filled when shown)
     */
    record EntryJob(String id, String kind, String journey, String segment, String state, long total, long published,
                    long entered, String after, String node, Instant startedAt, Instant updatedAt, Instant finishedAt,
                    String error, List<JourneyShapes.Send> sends, AudienceSends.Tally outcome) {
        EntryJob next(String newState, long sent, String last, Instant now, String failure) {
            return new EntryJob(id, kind, journey, segment, newState, total, sent, entered, last, node, startedAt, now,
                    "running".equals(newState) ? null : now, failure, sends, null);
        }

        EntryJob onNode(String newNode, Instant now) {
            return new EntryJob(id, kind, journey, segment, state, total, published, entered, after, newNode, startedAt, now,
                    finishedAt, error, sends, null);
        }

        EntryJob shown(long count, String shownState, AudienceSends.Tally figures) {
            return new EntryJob(id, kind, journey, segment, shownState, total, published, count, after, node, startedAt,
                    updatedAt, finishedAt, error, sends, figures);
        }

        boolean sendOnly() {
            return sends != null && !sends.isEmpty();
        }

        /** The delivery-log batch of step {@code index}: the job's id for the first. */
        String batchOf(int index) {
            return index == 0 ? id : id + "/" + sends.get(index).stepId();
        }
    }

    EntryJob start(String journey, String segmentId) {
        if (repository.createProcessDefinitionQuery().processDefinitionKey(journey).latestVersion().active().count() == 0) {
            throw new NotFoundException("journey-not-found", "Journey not found", "no active journey with key '" + journey + "'");
        }
        Segment segment = segments.get(segmentId);
        Instant now = clock.instant();
        List<JourneyShapes.Send> steps = shapes.sendsOnly(journey);
        EntryJob job = new EntryJob(UUID.randomUUID().toString(), "journey-entry", journey, segmentId, "running",
                segments.count(segment.query().toString()), 0, 0, null, node, now, now, null, null, steps, null);
        jobs.save(job.id(), job);
        runner.submit(() -> run(job));
        log.info("Entry job {}: members of segment {} ({}) enter journey {}, at most {} a second{}", job.id(), segmentId,
                job.total(), journey, rateOf(job), job.sendOnly() ? "; it only sends " + steps
                        + ": the send workers do it, no process instance per lead" : "");
        return job;
    }

    EntryJob get(String id) {
        return shown(jobs.read(id).job());
    }

    /** The latest {@code size} entry jobs of a segment, newest first, with their progress. */
    List<EntryJob> ofSegment(String segment, int size) {
        try {
            return jobs.find(Query.of(q -> q.term(t -> t.field("segment").value(segment))), size).stream().map(this::shown).toList();
        } catch (IOException e) {
            throw new SearchUnavailableException("listing entry jobs failed: " + e.getMessage(), e);
        }
    }

    private EntryJob shown(EntryJob job) {
        String id = job.id();
        boolean stalled = "running".equals(job.state()) && job.updatedAt().isBefore(clock.instant().minus(stalledAfter));
        String state = stalled ? "stalled" : job.state();
        if (job.sendOnly()) {
            AudienceSends.Tally outcome = sends.tally(id);
            // A member has gone through the first step once its send has an outcome (sent, blocked, deferred...).
            long handled = outcome.sent() + outcome.blocked() + outcome.deferred() + outcome.skipped() + outcome.failed();
            return job.shown(handled, state, outcome);
        }
        long entered = history.createHistoricProcessInstanceQuery().processDefinitionKey(job.journey())
                .variableValueEquals(JourneyCorrelator.ENTRY_JOB, id).count();
        return job.shown(entered, state, null);
    }

    EntryJob cancel(String id) {
        for (int attempt = 0; attempt < 5; attempt++) {
            JobDocuments.Versioned<EntryJob> read = jobs.read(id);
            EntryJob job = read.job();
            if (!"running".equals(job.state())
                    || jobs.saveIfUnchanged(id, job.next("cancelled", job.published(), job.after(), clock.instant(), null), read)) {
                if ("running".equals(job.state())) {
                    log.info("Entry job {} cancelled after {} of {} leads", id, job.published(), job.total());
                }
                break;
            }
        }
        return get(id);
    }

    /** Jobs whose node stopped reporting are resumed here, after the last lead they handled. */
    @Scheduled(fixedDelayString = "${baton.segments.review-interval:1m}", initialDelayString = "${baton.segments.review-interval:1m}")
    void resumeStalled() {
        try {
            Instant stale = clock.instant().minus(stalledAfter);
            for (EntryJob job : jobs.stale("running", "updatedAt", stale)) {
                JobDocuments.Versioned<EntryJob> read = jobs.read(job.id());
                EntryJob claimed = read.job().onNode(node, clock.instant());
                // Claimed by one node only: a conditional write, so two nodes never resume it both.
                if ("running".equals(read.job().state()) && read.job().updatedAt().isBefore(stale)
                        && jobs.saveIfUnchanged(claimed.id(), claimed, read)) {
                    log.info("Entry job {}: its node {} stopped reporting at {}; resuming it here after lead {}",
                            job.id(), job.node(), job.updatedAt(), job.after());
                    runner.submit(() -> run(claimed));
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Looking for stalled entry jobs failed, will look again: {}", e.getMessage());
        }
    }

    /** Entries a second: process instances at the entry rate, a send-only journey at its channels' send rate. */
    private int rateOf(EntryJob job) {
        return !job.sendOnly() ? leadsPerSecond : job.sends().stream().anyMatch(send -> send.channel().equals("sms"))
                ? smsRate : emailRate;
    }

    private void run(EntryJob start) {
        EntryJob job = start;
        try {
            Segment segment = segments.get(job.segment());
            String query = segment.query().toString();
            while (true) {
                long pageStarted = System.nanoTime();
                SegmentStore.Members page = segments.members(query, Math.min(PAGE, rateOf(job)), job.after());
                if (page.leads().isEmpty()) {
                    break;
                }
                Instant now = clock.instant();
                String jobId = job.id();
                String journey = job.journey();
                // Cancelled (or taken over by another node) since the last page: stop. The progress is
                // written only if nobody changed the job since it was read, so a cancel is never undone.
                JobDocuments.Versioned<EntryJob> current = jobs.read(job.id());
                if (!"running".equals(current.job().state()) || !node.equals(current.job().node())) {
                    return;
                }
                if (job.sendOnly()) {
                    List<AudienceSends.AudienceSend> toSend = new java.util.ArrayList<>();
                    for (SegmentStore.Member member : page.leads()) {
                        for (int step = 0; step < job.sends().size(); step++) {
                            JourneyShapes.Send send = job.sends().get(step);
                            toSend.add(new AudienceSends.AudienceSend(job.batchOf(step), member.id(), send.channel(),
                                    send.template()));
                        }
                    }
                    sends.publish(toSend);
                } else {
                    signals.publish(page.leads().stream()
                            .map(member -> JourneySignal.entry(jobId, journey, member.id(), now)).toList());
                }
                job = job.next("running", job.published() + page.leads().size(), page.leads().get(page.leads().size() - 1).id(),
                        clock.instant(), null);
                if (!jobs.saveIfUnchanged(job.id(), job, current)) {
                    return;
                }
                long wanted = page.leads().size() * 1_000_000_000L / rateOf(job) - (System.nanoTime() - pageStarted);
                if (wanted > 0) {
                    Thread.sleep(wanted / 1_000_000);
                }
                if (page.next() == null) {
                    break;
                }
            }
            JobDocuments.Versioned<EntryJob> last = jobs.read(job.id());
            if (!"running".equals(last.job().state()) || !jobs.saveIfUnchanged(job.id(), job.next("done", job.published(),
                    job.after(), clock.instant(), null), last)) {
                return;
            }
            log.info("Entry job {}: {} members of segment {} sent into journey {}", job.id(), job.published(),
                    job.segment(), job.journey());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            log.warn("Entry job {} stopped after {} leads: {}", job.id(), job.published(), e.getMessage());
            try {
                jobs.save(job.id(), job.next("failed", job.published(), job.after(), clock.instant(), e.getMessage()));
            } catch (RuntimeException ignored) {
                // It stays "running" with an old heartbeat: another node resumes it.
            }
        }
    }
}
