package dev.baton.engine.messaging;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.SearchUnavailableException;
import dev.baton.engine.tracking.EventTopics;
import dev.baton.engine.tracking.KafkaAcks;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Sends of one template to every member of an audience (a broadcast), without a Camunda process
 * instance per lead: one record per member on the sends topic, keyed by lead, so the send
 * workers of every node share them by partition. The send workers apply the marketing guards
 * (opt-out, same template, frequency cap, quiet hours in the lead's time zone) and the delivery
 * log's idempotency key {@code <channel>:<batch>:<lead>}, so a batch published again (a job
 * resumed after its node died) sends nobody anything twice.
 */
@Component
public class AudienceSends {
    private final KafkaTemplate<String, String> kafka;
    private final EventTopics topics;
    private final ObjectMapper json;
    private final ElasticsearchClient client;
    private final Indices indices;
    private final List<ChannelWorker> channels;

    AudienceSends(KafkaTemplate<String, String> kafka, EventTopics topics, ObjectMapper json, ElasticsearchClient client,
                  Indices indices, List<ChannelWorker> channels) {
        this.kafka = kafka;
        this.topics = topics;
        this.json = json;
        this.client = client;
        this.indices = indices;
        this.channels = channels;
    }

    /** One member's send: template {@code template} on {@code channel} to lead {@code leadId}, as part of {@code batch}. */
    public record AudienceSend(String batch, String leadId, String channel, String template) {
        String key() {
            return channel + ":" + batch + ":" + leadId;
        }
    }

    /**
     * What became of a batch's sends, counted by the delivery log.
     *
     * @param sent       accepted by the provider
     * @param blocked    stopped by a guard, with how many per reason
     * @param deferred   waiting for the end of quiet hours where the lead lives
     * @param skipped    no address on the channel, or the lead is gone
     * @param failed     refused by the provider for good, or bounced
     * @param inFlight   claimed by a worker, outcome not recorded yet (or, for SMS, unconfirmed by the provider)
     */
    public record Tally(long sent, long blocked, Map<String, Long> blockedBy, long deferred, long skipped, long failed,
                       long inFlight) {
    }

    /** Why this template cannot go out on this channel, or null when it can. */
    public String templateProblem(String channel, String template) {
        ChannelWorker worker = marketing(channels, channel);
        return worker == null ? "no channel '" + channel + "' (email or sms)" : worker.templateProblem(template);
    }

    /** Hands the sends to the send workers; returns once Kafka has them all (throws otherwise: publish again). */
    public void publish(List<AudienceSend> sends) throws IOException {
        List<CompletableFuture<?>> acks = new ArrayList<>(sends.size());
        for (AudienceSend send : sends) {
            acks.add(kafka.send(topics.sendsTopic(), send.leadId(), toJson(send)));
        }
        KafkaAcks.await(acks, topics.sendTimeout(), "audience sends");
    }

    /** The batch's figures, from one aggregation over the delivery log (no document is fetched). */
    public Tally tally(String batch) {
        try {
            indices.ensureInstalled();
            var response = client.search(s -> s.index(indices.deliveries()).size(0)
                    .query(q -> q.term(t -> t.field("batch").value(batch)))
                    .aggregations("states", a -> a.terms(t -> t.field("state").size(20)))
                    .aggregations("blocked", a -> a.filter(f -> f.term(t -> t.field("state").value("blocked")))
                            .aggregations("reasons", sub -> sub.terms(t -> t.field("reason.keyword").size(20)))), Void.class);
            Map<String, Long> states = new LinkedHashMap<>();
            for (StringTermsBucket bucket : response.aggregations().get("states").sterms().buckets().array()) {
                states.put(bucket.key().stringValue(), bucket.docCount());
            }
            Map<String, Long> reasons = new LinkedHashMap<>();
            for (StringTermsBucket bucket : response.aggregations().get("blocked").filter().aggregations().get("reasons")
                    .sterms().buckets().array()) {
                reasons.put(bucket.key().stringValue(), bucket.docCount());
            }
            return new Tally(states.getOrDefault("sent", 0L), states.getOrDefault("blocked", 0L), reasons,
                    states.getOrDefault("deferred", 0L), states.getOrDefault("skipped", 0L),
                    states.getOrDefault("failed", 0L) + states.getOrDefault("bounced", 0L),
                    states.getOrDefault("sending", 0L) + states.getOrDefault("unconfirmed", 0L));
        } catch (IOException e) {
            throw new SearchUnavailableException("counting the sends of " + batch + " failed: " + e.getMessage(), e);
        }
    }

    /** The marketing worker of a channel (not the sales notifications that also go by email), or null. */
    static ChannelWorker marketing(List<ChannelWorker> channels, String channel) {
        return channels.stream().filter(worker -> worker.guarded() && worker.channel().equals(channel)).findFirst()
                .orElse(null);
    }

    private String toJson(AudienceSend send) throws IOException {
        try {
            return json.writeValueAsString(send);
        } catch (JsonProcessingException e) {
            throw new IOException(e);
        }
    }
}
