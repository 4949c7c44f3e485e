package dev.baton.engine.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.tracking.EventTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A journey signal that can never be correlated (a journey whose start fails every time) is
 * parked on the dead-letter topic with its reason once it has failed for a while with the
 * database answering, and the lead's later signals on the same partition go on.
 */
class JourneyDeadLetterTest extends IntegrationTest {
    @Autowired RepositoryService repository;
    @Autowired EventTopics topics;

    @Test
    void signalThatKeepsFailingIsParkedWithItsReasonAndTheLeadsLaterSignalsGoOn() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String user = "parked-" + run + "@example.com";
        // Starts on "Webinar Registered", then decides on a variable nobody sets: every start fails.
        BpmnModelInstance broken = Bpmn.createExecutableProcess("broken-start-" + run)
                .startEvent().message("Webinar Registered")
                .exclusiveGateway("decide")
                .condition("never set", "${noSuchVariable == 1}").endEvent()
                .moveToLastGateway().condition("never set either", "${noSuchVariable != 1}").endEvent()
                .done();
        String deployment = repository.createDeployment().addModelInstance("broken-start-" + run + ".bpmn", broken)
                .name("broken-start-" + run).deploy().getId();
        try {
            track("{\"userId\":\"%s\",\"event\":\"Webinar Registered\"}".formatted(user));
            track("{\"userId\":\"%s\",\"event\":\"Form Submitted\",\"properties\":{\"form\":\"contact\"}}".formatted(user));
            String lead = leadIdOf(user);

            // Up to give-up-after (10 s here) and the retries' pauses.
            ConsumerRecord<String, String> parked = awaitDeadLetters(Duration.ofSeconds(90),
                    record -> record.value() != null && record.value().contains(lead)).get(0);
            String reason = new String(parked.headers().lastHeader("baton-dlt-reason").value(), StandardCharsets.UTF_8);
            assertThat(reason).contains("Webinar Registered", lead, "noSuchVariable");
            assertThat(new String(parked.headers().lastHeader("baton-dlt-origin").value(), StandardCharsets.UTF_8))
                    .startsWith(topics.journeysTopic());
            // The form behind it on the same partition started the lead's journey.
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    getJson("/api/journeys/leads/" + lead).has("baton-share-to-lead")).isTrue());
            await().atMost(Duration.ofSeconds(60)).until(() -> journeyProgress().caughtUp());
        } finally {
            repository.deleteDeployment(deployment, true);
        }
    }
}
