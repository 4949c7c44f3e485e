package dev.baton.engine.leads;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.search.Hit;
import dev.baton.engine.search.Indices;
import java.io.IOException;
import java.io.StringReader;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Brings recorded memberships up to date where no event did: a lead whose "in the last 30 days"
 * ran out, every member of a segment just built, a lead whose event was handled before its node
 * knew the segment. For each segment it asks the leads index for exactly the leads whose recorded
 * membership disagrees with the segment's query (recorded in but no longer matching, matching but
 * not recorded), so a pass costs what it changes, not a scan of every lead.
 *
 * <p>Every node runs it; writes are conditional on the version read (a lead changed meanwhile is
 * skipped and seen again next pass), and the moves' message ids derive from the stored
 * memberships, so two nodes recording one move store it once. A move is announced after its
 * write: a node that stops between the two leaves that one move unannounced (the membership
 * itself is recorded).
 */
@Component
public class SegmentReview {
    private static final Logger log = LoggerFactory.getLogger(SegmentReview.class);
    private static final int PAGE = 500;

    private final ElasticsearchClient client;
    private final Indices indices;
    private final LeadStore leads;
    private final SegmentMemberships memberships;
    private final EngineEvents events;
    private final Clock clock;

    SegmentReview(ElasticsearchClient client, Indices indices, LeadStore leads, SegmentMemberships memberships,
                  EngineEvents events, Clock clock) {
        this.client = client;
        this.indices = indices;
        this.leads = leads;
        this.memberships = memberships;
        this.events = events;
        this.clock = clock;
    }

    /** What a review of one segment did. */
    public record Result(long entered, long left, long skipped) {
        Result plus(Result other) {
            return new Result(entered + other.entered, left + other.left, skipped + other.skipped);
        }
    }

    @Scheduled(fixedDelayString = "${baton.segments.review-interval:1m}", initialDelayString = "${baton.segments.review-interval:1m}")
    void scheduled() {
        for (Audiences.Audience segment : memberships.ready()) {
            try {
                Result result = review(segment, moved -> { });
                if (result.entered() + result.left() + result.skipped() > 0) {
                    log.info("Segment {} reviewed: {} entered, {} left, {} skipped (changed meanwhile; next pass)",
                            segment.id(), result.entered(), result.left(), result.skipped());
                }
            } catch (IOException | RuntimeException e) {
                // Nothing is lost: the leads still disagree with the segment and the next pass finds them.
                log.warn("Review of segment {} stopped, will run again: {}", segment.id(), e.getMessage());
            }
        }
    }

    /** How many leads a review of this segment would move now (for a build's progress). */
    public long due(Audiences.Audience segment) throws IOException {
        return client.count(c -> c.index(indices.leads()).query(entering(segment))).count()
                + client.count(c -> c.index(indices.leads()).query(leaving(segment))).count();
    }

    /** Makes every lead written so far visible to the review's searches (once per pass, not per event). */
    public void catchUp() throws IOException {
        client.indices().refresh(r -> r.index(indices.leads()));
    }

    /** Records every move of this segment due now; {@code progress} hears how many leads each page moved. */
    public Result review(Audiences.Audience segment, LongConsumer progress) throws IOException {
        Result left = pass(segment, leaving(segment), progress);
        return left.plus(pass(segment, entering(segment), progress));
    }

    private Result pass(Audiences.Audience segment, Query due, LongConsumer progress) throws IOException {
        Result total = new Result(0, 0, 0);
        List<FieldValue> after = null;
        Map<String, String> names = Map.of(segment.id(), segment.name());
        while (true) {
            List<FieldValue> from = after;
            var response = client.search(s -> {
                s.index(indices.leads()).size(PAGE).seqNoPrimaryTerm(true).query(due)
                        .sort(o -> o.field(f -> f.field(LeadFields.ID).order(SortOrder.Asc)));
                if (from != null) {
                    s.searchAfter(from);
                }
                return s;
            }, LeadProfile.class);
            if (response.hits().hits().isEmpty()) {
                return total;
            }
            Instant now = clock.instant();
            Map<String, LeadStore.Versioned> read = new HashMap<>();
            List<LeadProfile> moved = new ArrayList<>();
            List<EngineEvents.EngineEvent> moves = new ArrayList<>();
            long entered = 0;
            for (Hit<LeadProfile> hit : response.hits().hits()) {
                LeadProfile lead = hit.source();
                after = hit.sort();
                if (lead == null) {
                    continue;
                }
                read.put(lead.id(), new LeadStore.Versioned(lead, hit.seqNo(), hit.primaryTerm()));
                boolean entering = !lead.segments().in().contains(segment.id());
                Set<String> in = new java.util.HashSet<>(lead.segments().in());
                if (entering) {
                    in.add(segment.id());
                    entered++;
                } else {
                    in.remove(segment.id());
                }
                moved.add(SegmentMemberships.move(lead, in, names, now, moves));
            }
            // Written first, announced after: a lead the pipeline changed meanwhile (its write conflicts)
            // may no longer match, so its move is announced only when a later pass records it.
            Map<String, String> failed = leads.tryWriteAll(moved, read);
            failed.forEach((id, why) -> log.debug("Segment review skipped lead {} {}", id, why));
            events.publish(moves.stream().filter(move -> !failed.containsKey(move.leadId())).toList());
            long done = moved.size() - failed.size();
            progress.accept(done);
            total = total.plus(new Result(entered, moved.size() - entered, failed.size()));
        }
    }

    /** Live leads the segment's query matches that are not recorded as members. */
    private Query entering(Audiences.Audience segment) {
        return Query.of(q -> q.bool(b -> b.filter(query(segment))
                .mustNot(m -> m.term(t -> t.field(LeadFields.SEGMENTS_IN).value(segment.id())))
                .mustNot(m -> m.exists(e -> e.field(LeadFields.MERGED_INTO)))));
    }

    /** Live leads recorded as members that the segment's query no longer matches. */
    private Query leaving(Audiences.Audience segment) {
        return Query.of(q -> q.bool(b -> b.filter(f -> f.term(t -> t.field(LeadFields.SEGMENTS_IN).value(segment.id())))
                .mustNot(query(segment))
                .mustNot(m -> m.exists(e -> e.field(LeadFields.MERGED_INTO)))));
    }

    private static Query query(Audiences.Audience segment) {
        return Query.of(q -> q.withJson(new StringReader(segment.query())));
    }
}
