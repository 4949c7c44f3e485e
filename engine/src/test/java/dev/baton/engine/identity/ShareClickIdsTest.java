package dev.baton.engine.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Click ids carry their visitor, time and verdict; nobody can make or change one; late or excluded ones join nobody. */
class ShareClickIdsTest {
    private static final Instant CLICKED = Instant.parse("2025-03-04T10:15:30.123Z");
    private final ShareClickIds ids = new ShareClickIds("a-share-link-secret-of-some-length", Duration.ofMinutes(30));

    @Test
    void clickIdCarriesTheClicksVisitorTimeAndVerdictInAShortUrlSafeToken() {
        String visitor = UUID.randomUUID().toString();

        String id = ids.issue(visitor, CLICKED, true);

        assertThat(id).matches("[A-Za-z0-9_-]{56}");
        assertThat(ids.verify(id)).contains(new ShareClickIds.Click(id, visitor, CLICKED, true));
        assertThat(ids.verify(ids.issue(visitor, CLICKED, false)).orElseThrow().genuine()).isFalse();
        assertThat(ids.issue(visitor, CLICKED, true)).as("two clicks in one millisecond").isNotEqualTo(id);
    }

    @Test
    void visitorIdThatIsNoUuidRoundTripsAsWritten() {
        for (String visitor : new String[] {"phone-1", "ABCDEF01-2345-6789-ABCD-EF0123456789", "访客-42"}) {
            assertThat(ids.verify(ids.issue(visitor, CLICKED, true)).orElseThrow().visitorId()).isEqualTo(visitor);
        }
    }

    @Test
    void alteredForgedOrOldRandomClickIdsVerifyAsNothing() {
        String id = ids.issue(UUID.randomUUID().toString(), CLICKED, false);
        char last = id.charAt(10);
        String altered = id.substring(0, 10) + (last == 'A' ? 'B' : 'A') + id.substring(11);
        ShareClickIds otherInstallation = new ShareClickIds("another-installations-secret", Duration.ofMinutes(30));

        assertThat(ids.verify(altered)).isEmpty();
        assertThat(ids.verify(otherInstallation.issue(UUID.randomUUID().toString(), CLICKED, true))).isEmpty();
        assertThat(ids.verify(UUID.randomUUID().toString())).as("a click id from before signed ones").isEmpty();
        assertThat(ids.verify("f".repeat(600))).isEmpty();
        assertThat(ids.verify("not base64 !")).isEmpty();
        assertThat(ids.verify("")).isEmpty();
        assertThat(ids.verify(null)).isEmpty();
        assertThatThrownBy(() -> ids.issue("", CLICKED, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void genuineClickJoinsEventsWithinTheWindowOnly() {
        ShareClickIds.Click click = ids.verify(ids.issue("v", CLICKED, true)).orElseThrow();
        ShareClickIds.Click excluded = ids.verify(ids.issue("v", CLICKED, false)).orElseThrow();

        assertThat(ids.joinable(click, CLICKED.plusSeconds(5))).isTrue();
        assertThat(ids.joinable(click, CLICKED.plus(Duration.ofMinutes(30)))).isTrue();
        assertThat(ids.joinable(click, CLICKED.minusSeconds(30))).as("a page clock a little behind").isTrue();
        assertThat(ids.joinable(click, CLICKED.plus(Duration.ofMinutes(30)).plusMillis(1))).isFalse();
        assertThat(ids.joinable(click, CLICKED.minus(Duration.ofHours(1)))).isFalse();
        assertThat(ids.joinable(excluded, CLICKED.plusSeconds(5))).as("a self or bot click").isFalse();
    }
}
