package dev.baton.engine.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineConfiguration;
import org.camunda.bpm.engine.authorization.Groups;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin login and write key on a real Camunda engine (in-memory H2), across "restarts". */
class CredentialsTest {
    private ProcessEngine engine;

    @BeforeEach
    void startEngine() {
        // A name of its own: closing an engine named "default" would unregister the application's
        // engine of that name, and engine-rest in every later test of this JVM would answer 404.
        engine = ProcessEngineConfiguration.createStandaloneInMemProcessEngineConfiguration()
                .setProcessEngineName("credentials-" + UUID.randomUUID())
                .setJdbcUrl("jdbc:h2:mem:credentials-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
                .setJobExecutorActivate(false)
                .buildProcessEngine();
    }

    @AfterEach
    void stopEngine() {
        engine.close();
    }

    private Credentials start(String adminPassword, String writeKey) {
        return new Credentials(new SecurityProperties("admin", adminPassword, writeKey),
                engine.getIdentityService(), engine.getManagementService());
    }

    private static String secret(String line) {
        return line.substring(line.lastIndexOf(": ") + 2);
    }

    @Test
    void firstRunGeneratesAnAdminPasswordAndWriteKeyThatLaterRunsKeepWithoutShowingThemAgain() {
        Credentials first = start("", "");
        assertThat(first.generatedThisRun()).hasSize(2);
        String password = secret(first.generatedThisRun().get(0));
        String writeKey = secret(first.generatedThisRun().get(1));
        assertThat(password).hasSizeGreaterThanOrEqualTo(20);
        assertThat(engine.getIdentityService().checkPassword("admin", password)).isTrue();
        assertThat(engine.getIdentityService().createUserQuery().memberOfGroup(Groups.CAMUNDA_ADMIN).userId("admin").count())
                .isEqualTo(1);

        Credentials restarted = start("", "");
        assertThat(restarted.generatedThisRun()).isEmpty();
        assertThat(restarted.isWriteKey(writeKey)).isTrue();
        assertThat(restarted.isWriteKey(writeKey + "x")).isFalse();
        assertThat(engine.getIdentityService().checkPassword("admin", password)).isTrue();
    }

    @Test
    void secretsFromTheEnvironmentAreUsedAndNothingIsGenerated() {
        Credentials credentials = start("chosen-password", "chosen-key");

        assertThat(credentials.generatedThisRun()).isEmpty();
        assertThat(credentials.isWriteKey("chosen-key")).isTrue();
        assertThat(engine.getIdentityService().checkPassword("admin", "chosen-password")).isTrue();
    }

    @Test
    void changedEnvironmentPasswordReplacesTheStoredOne() {
        start("old-password", "key");
        start("new-password", "key");

        assertThat(engine.getIdentityService().checkPassword("admin", "new-password")).isTrue();
    }
}
