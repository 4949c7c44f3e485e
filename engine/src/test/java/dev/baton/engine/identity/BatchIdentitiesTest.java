package dev.baton.engine.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which lead an event belongs to, and which lead it merges, from the mappings stored so far. */
class BatchIdentitiesTest {

    @Test
    void identifyOnAKnownDeviceMergesItsVisitorLeadIntoTheEmailsLead() {
        BatchIdentities batch = new BatchIdentities(Map.of());

        var resolution = batch.resolve(new PersonIds("phone-1", null, "ann@example.com", null, null), false);

        assertThat(resolution.leadId()).isEqualTo("ann@example.com");
        assertThat(resolution.mergeFrom()).isEqualTo("phone-1");
        assertThat(batch.created()).containsEntry("email:ann@example.com", "ann@example.com")
                .containsEntry("anon:phone-1", "ann@example.com");
    }

    @Test
    void retriedIdentifyWhoseDeviceMappingAlreadyLandedStillMergesTheVisitorLead() {
        // A batch failed after part of its identity writes landed: the device maps to the lead already.
        BatchIdentities batch = new BatchIdentities(Map.of("anon:phone-1", "ann@example.com",
                "email:ann@example.com", "ann@example.com"));

        var resolution = batch.resolve(new PersonIds("phone-1", null, "ann@example.com", null, null), false);

        assertThat(resolution.leadId()).isEqualTo("ann@example.com");
        assertThat(resolution.mergeFrom()).isEqualTo("phone-1");
        assertThat(batch.created()).isEmpty();
        assertThat(batch.remapped()).isEmpty();
    }

    @Test
    void retriedAliasWhosePreviousIdAlreadyMapsToTheTargetStillMergesIt() {
        BatchIdentities batch = new BatchIdentities(Map.of("anon:visitor-9", "user-9", "user:user-9", "user-9"));

        var resolution = batch.resolve(new PersonIds(null, "user-9", null, null, "visitor-9"), true);

        assertThat(resolution.leadId()).isEqualTo("user-9");
        assertThat(resolution.mergeFrom()).isEqualTo("visitor-9");
        assertThat(resolution.explicit()).isTrue();
    }

    @Test
    void anonymousEventOfAKnownDeviceBelongsToTheDevicesLead() {
        BatchIdentities batch = new BatchIdentities(Map.of("anon:laptop-2", "bob@example.com"));

        var resolution = batch.resolve(new PersonIds("laptop-2", null, null, null, null), false);

        assertThat(resolution.leadId()).isEqualTo("bob@example.com");
        assertThat(resolution.mergeFrom()).isNull();
    }
}
