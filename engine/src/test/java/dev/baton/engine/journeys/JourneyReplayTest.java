package dev.baton.engine.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.testing.TestServers;
import dev.baton.engine.tracking.EventTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Kafka delivers at least once: a consumer that restarts, a producer that retries, an operator
 * who resets offsets all replay events. Replaying every event of a journey, twice, through both
 * doors (the tracking API with the same message ids, and the journeys topic itself) must send
 * nothing again and leave every journey where it was.
 */
class JourneyReplayTest extends IntegrationTest {
    private static final Duration JOURNEY = Duration.ofSeconds(60);
    @Autowired JourneyCorrelator correlator;
    @Autowired RuntimeService runtime;
    @Autowired ExternalTaskService externalTasks;
    @Autowired EventTopics topics;
    @Autowired KafkaTemplate<String, String> kafka;

    @Test
    void replayingEveryEventOfAJourneyTwiceSendsNoEmailTwiceAndLeavesTheSameState() throws Exception {
        String visitor = "visitor-" + UUID.randomUUID();
        String email = "replay-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        List<String> tracked = List.of(
                "{\"messageId\":\"%s\",\"anonymousId\":\"%s\",\"event\":\"Share Clicked\"}".formatted(UUID.randomUUID(), visitor),
                """
                {"messageId":"%s","anonymousId":"%s","event":"Form Submitted",
                 "context":{"traits":{"email":"%s","firstName":"Rae"}}}""".formatted(UUID.randomUUID(), visitor, email));
        tracked.forEach(this::track);
        awaitMail(email, "Welcome, Rae");
        nurtureFirstDayPasses(email);
        awaitMail(email, "How teams like yours do it");
        String lead = leadIdOf(email);
        Map<String, List<String>> before = settledStateOf(lead);
        int mailBefore = mailTo(email).size();
        double scoreBefore = awaitLead(email).path("score").asDouble();
        List<ConsumerRecord<String, String>> signals = journeySignalsOf(new java.util.HashSet<>(List.of(visitor, lead)));
        assertThat(signals).extracting(ConsumerRecord::value).anyMatch(v -> v.contains("Share Clicked"))
                .anyMatch(v -> v.contains("Form Submitted"));

        long journeyEventsBefore = journeyProgress().produced();
        for (int replay = 0; replay < 2; replay++) {
            tracked.forEach(this::track);
            for (ConsumerRecord<String, String> signal : signals) {
                kafka.send(new ProducerRecord<>(topics.journeysTopic(), signal.key(), signal.value())).get();
            }
        }

        // Both consumers have been through the replayed events (the tracked ones reach the journeys
        // topic again only if the pipeline failed to see they were duplicates).
        await().atMost(JOURNEY).until(() -> kafkaProgress().caughtUp() && journeyProgress().caughtUp()
                && journeyProgress().produced() >= journeyEventsBefore + 2L * signals.size());
        assertThat(settledStateOf(lead)).isEqualTo(before);
        assertThat(mailTo(email)).hasSize(mailBefore);
        assertThat(awaitLead(email).path("score").asDouble()).isEqualTo(scoreBefore);
    }

    @Test
    void everyEventOfAWholeJourneyReplayedTwiceShuffledInOneBatchSendsNothingAgainAndChangesNothing() throws Exception {
        String visitor = "visitor-" + UUID.randomUUID();
        String email = "whole-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        List<String> story = new ArrayList<>(List.of(
                message(visitor, "\"event\":\"Share Clicked\""),
                message(visitor, "\"event\":\"Form Submitted\",\"context\":{\"traits\":{\"email\":\"" + email
                        + "\",\"firstName\":\"Wim\",\"country\":\"AQ\"}}")));
        story.forEach(this::track);
        awaitMail(email, "Welcome, Wim");
        List<String> after = List.of(
                message(visitor, "\"event\":\"Email Opened\",\"properties\":{\"template\":\"welcome\"}"),
                message(visitor, "\"event\":\"Email Clicked\",\"properties\":{\"template\":\"welcome\"}"),
                message(visitor, "\"event\":\"Page Viewed\",\"properties\":{\"category\":\"pricing\"}"),
                message(visitor, "\"event\":\"Page Viewed\",\"properties\":{\"category\":\"pricing\"}"),
                message(visitor, "\"event\":\"Page Viewed\",\"properties\":{\"category\":\"pricing\"}"));
        after.forEach(this::track);
        story.addAll(after);
        String lead = leadIdOf(email);
        // Hot by now: nurture handed the lead to sales (a CRM task for the managers' queue, nobody covers AQ).
        await().atMost(JOURNEY).until(() -> correlator.activeJourneys(lead).containsKey("baton-sales-handoff"));
        Map<String, List<String>> before = settledStateOf(lead);
        int mailBefore = mailTo(email).size();
        long tasksBefore = crmTasksAbout(lead);
        JsonNode profileBefore = awaitLead(email);
        List<ConsumerRecord<String, String>> signals = journeySignalsOf(java.util.Set.of(lead));
        assertThat(signals).extracting(ConsumerRecord::value).anyMatch(v -> v.contains("Tier Changed"))
                .anyMatch(v -> v.contains("Email Clicked"));

        // Twice over, shuffled, in one SDK batch; and the journeys topic's records, twice, shuffled.
        List<String> replay = new ArrayList<>(story);
        replay.addAll(story);
        java.util.Collections.shuffle(replay, new java.util.Random(7));
        long journeyEventsBefore = journeyProgress().produced();
        assertThat(track("/v1/batch", "{\"batch\":[" + String.join(",", replay) + "]}").getStatusCode().is2xxSuccessful()).isTrue();
        List<ConsumerRecord<String, String>> resent = new ArrayList<>(signals);
        resent.addAll(signals);
        java.util.Collections.shuffle(resent, new java.util.Random(11));
        for (ConsumerRecord<String, String> signal : resent) {
            kafka.send(new ProducerRecord<>(topics.journeysTopic(), signal.key(), signal.value())).get();
        }

        await().atMost(JOURNEY).until(() -> kafkaProgress().caughtUp() && journeyProgress().caughtUp()
                && journeyProgress().produced() >= journeyEventsBefore + resent.size());
        assertThat(settledStateOf(lead)).isEqualTo(before);
        assertThat(mailTo(email)).as("no email twice").hasSize(mailBefore);
        assertThat(crmTasksAbout(lead)).as("no sales task twice").isEqualTo(tasksBefore);
        JsonNode profileAfter = awaitLead(email);
        assertThat(profileAfter.path("score").asInt()).isEqualTo(profileBefore.path("score").asInt());
        assertThat(profileAfter.path("eventCount").asLong()).isEqualTo(profileBefore.path("eventCount").asLong());
        assertThat(profileAfter.path("tier").asText()).isEqualTo("hot");
    }

    /** A Segment message of this visitor with a message id of its own (what a replay repeats). */
    private static String message(String visitor, String fields) {
        return "{\"type\":\"track\",\"messageId\":\"%s\",\"anonymousId\":\"%s\",%s}".formatted(UUID.randomUUID(), visitor, fields);
    }

    private static long crmTasksAbout(String lead) {
        return TestServers.hubspot().requests().stream().filter(r -> r.body().contains(lead)).count();
    }

    /** Journey key → the activities its instance waits at, once no send is in flight for the lead. */
    private Map<String, List<String>> settledStateOf(String lead) {
        await().atMost(JOURNEY).until(() -> journeyProgress().caughtUp() && correlator.activeJourneys(lead).values().stream()
                .allMatch(id -> externalTasks.createExternalTaskQuery().processInstanceId(id).count() == 0));
        Map<String, List<String>> state = new TreeMap<>();
        correlator.activeJourneys(lead).forEach((key, id) -> state.put(key,
                runtime.getActiveActivityIds(id).stream().sorted().toList()));
        return state;
    }

    /** Every record on the journeys topic keyed by one of these ids, read from the beginning. */
    private List<ConsumerRecord<String, String>> journeySignalsOf(java.util.Set<String> ids) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestServers.endpoints().kafkaBootstrapServers(), ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < topics.partitions(); p++) {
                partitions.add(new TopicPartition(topics.journeysTopic(), p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (ids.contains(record.key()) && record.offset() < end.get(new TopicPartition(record.topic(),
                            record.partition()))) {
                        found.add(record);
                    }
                }
            }
        }
        return found;
    }
}
