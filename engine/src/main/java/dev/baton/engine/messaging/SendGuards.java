package dev.baton.engine.messaging;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.baton.engine.leads.LeadProfile;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.SearchUnavailableException;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * What a send passes before it goes out. A marketing send: the address has not opted out, the
 * lead has not had this template already, the channel's frequency cap for the lead is not
 * reached, and it is not quiet hours where the lead lives (then the send waits until morning). A
 * transactional send (an answer to the lead's own action: a welcome, a confirmation) goes at once:
 * the opt-out still holds, and the template goes once per triggering event, not once per lead. A
 * blocked send is recorded in the delivery log with its reason; nothing is dropped silently.
 */
@Component
class SendGuards {
    private final ElasticsearchClient client;
    private final Indices indices;
    private final Suppressions suppressions;
    private final int maxPerPeriod;
    private final Duration period;
    private final LocalTime quietFrom;
    private final LocalTime quietUntil;
    private final ZoneId defaultZone;

    SendGuards(ElasticsearchClient client, Indices indices, Suppressions suppressions,
               @Value("${baton.guards.max-per-period:3}") int maxPerPeriod,
               @Value("${baton.guards.period:P7D}") Duration period,
               @Value("${baton.guards.quiet-from:21:00}") LocalTime quietFrom,
               @Value("${baton.guards.quiet-until:08:00}") LocalTime quietUntil,
               @Value("${baton.guards.default-time-zone:UTC}") ZoneId defaultZone) {
        this.client = client;
        this.indices = indices;
        this.suppressions = suppressions;
        this.maxPerPeriod = maxPerPeriod;
        this.period = period;
        this.quietFrom = quietFrom;
        this.quietUntil = quietUntil;
        this.defaultZone = defaultZone;
    }

    /** The verdict: send now, wait until {@code notBefore}, or blocked for {@code reason}. */
    public record Verdict(String blockedBecause, Instant notBefore) {
        static final Verdict SEND = new Verdict(null, null);

        public boolean sendNow() {
            return blockedBecause == null && notBefore == null;
        }
    }

    /**
     * Why a send goes out: marketing (every guard), or transactional, answering the event
     * {@code trigger} of the lead's own (once per trigger, at any hour, outside the cap).
     */
    public record Purpose(boolean transactional, String trigger) {
        public static final Purpose MARKETING = new Purpose(false, null);

        public static Purpose answering(String trigger) {
            return new Purpose(true, java.util.Objects.requireNonNull(trigger, "a transactional send answers an event"));
        }
    }

    /** The address bounced (no such mailbox, not a mobile number): nothing goes to it again. */
    public void markBounced(String channel, String address, String leadId, Instant at) {
        suppressions.suppress(new Suppressions.Suppression(channel, address, leadId, "bounced", at));
    }

    public Verdict check(String channel, LeadProfile lead, String address, String template, Purpose purpose,
                         Instant now) {
        var suppressed = suppressions.reasonFor(channel, address);
        if (suppressed.isPresent()) {
            return optedOut(channel, suppressed.get());
        }
        if (purpose.transactional()) {
            // The lead asked for it: now, whatever the hour or the count; a second event gets its own.
            return count(channel, lead.id(), template, purpose.trigger(), null) > 0
                    ? new Verdict("template '" + template + "' was already sent for this event (" + purpose.trigger() + ")",
                    null) : Verdict.SEND;
        }
        return marketing(channel, template, lead, sentBefore(channel, lead.id(), template),
                () -> sentSince(channel, lead.id(), now.minus(period)), now);
    }

    private static Verdict optedOut(String channel, String reason) {
        return new Verdict(reason.equals("bounced") ? "the " + channel + " address bounced"
                : "opted out of " + channel + " (" + reason + ")", null);
    }

    /** A marketing send past the opt-out: the same template, the frequency cap, quiet hours where the lead lives. */
    private Verdict marketing(String channel, String template, LeadProfile lead, boolean templateSentBefore,
                              java.util.function.LongSupplier sentInPeriod, Instant now) {
        if (templateSentBefore) {
            return new Verdict("template '" + template + "' was already sent to this lead", null);
        }
        long recent = sentInPeriod.getAsLong(); // asked only when needed: for one send it is a search
        if (recent >= maxPerPeriod) {
            return new Verdict("frequency cap: " + recent + " " + channel + " messages in the last " + period.toDays()
                    + " days (at most " + maxPerPeriod + ")", null);
        }
        Instant morning = endOfQuietHours(zoneOf(lead), now);
        return morning == null ? Verdict.SEND : new Verdict(null, morning);
    }

    /** One marketing send of an audience step: the lead and its address on the channel. */
    record Candidate(LeadProfile lead, String address) {
    }

    /**
     * The same guards as {@link #check} for one marketing template to many leads, in two requests
     * whatever their number (opt-outs by id, earlier sends aggregated per lead). Keyed by lead id.
     */
    Map<String, Verdict> checkMarketing(String channel, String template, List<Candidate> candidates, Instant now) {
        Map<String, Verdict> verdicts = new HashMap<>();
        if (candidates.isEmpty()) {
            return verdicts;
        }
        Map<String, String> optedOut = suppressions.reasonsFor(channel,
                candidates.stream().map(Candidate::address).distinct().toList());
        Map<String, long[]> earlier = earlierSends(channel, template,
                candidates.stream().map(c -> c.lead().id()).distinct().toList(), now.minus(period));
        for (Candidate candidate : candidates) {
            String leadId = candidate.lead().id();
            String suppressed = optedOut.get(candidate.address());
            long[] sends = earlier.getOrDefault(leadId, new long[2]);
            verdicts.put(leadId, suppressed != null ? optedOut(channel, suppressed)
                    : marketing(channel, template, candidate.lead(), sends[0] > 0, () -> sends[1], now));
        }
        return verdicts;
    }

    /** Per lead: [sends of this template ever, sends of any template since {@code since}]. */
    private Map<String, long[]> earlierSends(String channel, String template, List<String> leadIds, Instant since) {
        try {
            indices.ensureInstalled();
            var response = client.search(s -> s.index(indices.deliveries()).size(0)
                    .query(q -> q.bool(b -> b.filter(f -> f.term(t -> t.field("channel").value(channel)))
                            .filter(f -> f.term(t -> t.field("state").value("sent")))
                            .filter(f -> f.terms(t -> t.field("leadId").terms(v -> v.value(
                                    leadIds.stream().map(co.elastic.clients.elasticsearch._types.FieldValue::of).toList()))))))
                    .aggregations("leads", a -> a.terms(t -> t.field("leadId").size(leadIds.size()))
                            .aggregations("template", sub -> sub.filter(f -> f.term(t -> t.field("template").value(template))))
                            .aggregations("recent", sub -> sub.filter(f -> f.range(r -> r.date(d -> d.field("sentAt")
                                    .gte(since.toString())))))), Void.class);
            Map<String, long[]> counts = new HashMap<>();
            for (var bucket : response.aggregations().get("leads").sterms().buckets().array()) {
                counts.put(bucket.key().stringValue(), new long[] {
                        bucket.aggregations().get("template").filter().docCount(),
                        bucket.aggregations().get("recent").filter().docCount()});
            }
            return counts;
        } catch (IOException e) {
            throw new SearchUnavailableException("checking earlier sends failed: " + e.getMessage(), e);
        }
    }

    /** When quiet hours end if it is quiet hours now in {@code zone}, else null. */
    Instant endOfQuietHours(ZoneId zone, Instant now) {
        ZonedDateTime local = now.atZone(zone);
        LocalTime time = local.toLocalTime();
        boolean wrapsMidnight = quietFrom.isAfter(quietUntil);
        boolean quiet = wrapsMidnight ? !time.isBefore(quietFrom) || time.isBefore(quietUntil)
                : !time.isBefore(quietFrom) && time.isBefore(quietUntil);
        if (!quiet) {
            return null;
        }
        ZonedDateTime end = local.with(quietUntil);
        if (!end.isAfter(local)) {
            end = end.plusDays(1);
        }
        return end.toInstant();
    }

    private ZoneId zoneOf(LeadProfile lead) {
        Object zone = lead.traits().get("timezone");
        if (zone == null) {
            zone = lead.traits().get("timeZone");
        }
        try {
            return zone == null ? defaultZone : ZoneId.of(zone.toString());
        } catch (DateTimeException e) {
            return defaultZone;
        }
    }

    private boolean sentBefore(String channel, String leadId, String template) {
        return count(channel, leadId, template, null, null) > 0;
    }

    /** Every send counts against the cap, transactional ones too: they fill the same inbox. */
    private long sentSince(String channel, String leadId, Instant since) {
        return count(channel, leadId, null, null, since);
    }

    private long count(String channel, String leadId, String template, String trigger, Instant since) {
        try {
            indices.ensureInstalled();
            return client.count(c -> c.index(indices.deliveries()).query(q -> q.bool(b -> {
                b.filter(f -> f.term(t -> t.field("channel").value(channel)))
                        .filter(f -> f.term(t -> t.field("leadId").value(leadId)))
                        .filter(f -> f.term(t -> t.field("state").value("sent")));
                if (template != null) {
                    b.filter(f -> f.term(t -> t.field("template").value(template)));
                }
                if (trigger != null) {
                    b.filter(f -> f.term(t -> t.field("trigger").value(trigger)));
                }
                if (since != null) {
                    b.filter(f -> f.range(r -> r.date(d -> d.field("sentAt").gte(since.toString()))));
                }
                return b;
            }))).count();
        } catch (IOException e) {
            throw new SearchUnavailableException("checking earlier sends failed: " + e.getMessage(), e);
        }
    }
}
