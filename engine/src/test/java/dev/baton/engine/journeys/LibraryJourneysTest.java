package dev.baton.engine.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.testing.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.camunda.bpm.engine.RepositoryService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;

/**
 * The library journeys are defaults: deployed when missing or changed, never over a version a
 * marketer published since.
 */
class LibraryJourneysTest extends IntegrationTest {
    @Autowired LibraryJourneys library;
    @Autowired RepositoryService repository;
    @TempDir Path folder;

    @Test
    void theLibraryIsDeployedWhenMissingOrChangedButNeverOverAVersionPublishedSince() throws Exception {
        String key = "library-" + UUID.randomUUID().toString().substring(0, 8);
        Path file = folder.resolve(key + ".bpmn");

        Files.writeString(file, journey(key, "Welcome"));
        assertThat(library.deploy(repository, files(file))).extracting(LibraryJourneys.Outcome::what).containsExactly("deployed");
        assertThat(library.deploy(repository, files(file))).as("started again, same file")
                .extracting(LibraryJourneys.Outcome::what).containsExactly("unchanged");
        assertThat(latestVersion(key)).isEqualTo(1);

        Files.writeString(file, journey(key, "Welcome aboard"));
        assertThat(library.deploy(repository, files(file))).as("a release changed it")
                .extracting(LibraryJourneys.Outcome::what).containsExactly("deployed");
        assertThat(latestVersion(key)).isEqualTo(2);

        // A marketer publishes a version of her own (as Camunda Modeler or the API does).
        repository.createDeployment().name("marketing").source("Camunda Modeler")
                .addString(key + ".bpmn", journey(key, "Hello from marketing")).deploy();
        Files.writeString(file, journey(key, "Welcome, from the next release"));
        assertThat(library.deploy(repository, files(file))).extracting(LibraryJourneys.Outcome::what).containsExactly("kept");
        assertThat(latestVersion(key)).isEqualTo(3);
        assertThat(repository.getBpmnModelInstance(repository.createProcessDefinitionQuery().processDefinitionKey(key)
                .latestVersion().singleResult().getId()).getModelElementById("step").getAttributeValue("name"))
                .isEqualTo("Hello from marketing");
    }

    @Test
    void theEnginesLibraryJourneysAreDeployedAtStart() {
        for (String key : new String[] {"baton-share-to-lead", "baton-nurture", "baton-sales-handoff", "baton-wait-for-event"}) {
            var latest = repository.createProcessDefinitionQuery().processDefinitionKey(key).latestVersion().singleResult();
            assertThat(latest).as(key).isNotNull();
            assertThat(repository.createDeploymentQuery().deploymentId(latest.getDeploymentId()).singleResult().getSource())
                    .isEqualTo(LibraryJourneys.SOURCE);
        }
    }

    private int latestVersion(String key) {
        return repository.createProcessDefinitionQuery().processDefinitionKey(key).latestVersion().singleResult().getVersion();
    }

    private static Resource[] files(Path file) {
        return new Resource[] {new FileSystemResource(file)};
    }

    private static String journey(String key, String step) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t"
                    xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
                  <bpmn:process id="%s" isExecutable="true" camunda:historyTimeToLive="30">
                    <bpmn:startEvent id="start" />
                    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="step" />
                    <bpmn:userTask id="step" name="%s" />
                  </bpmn:process>
                </bpmn:definitions>""".formatted(key, step);
    }
}
