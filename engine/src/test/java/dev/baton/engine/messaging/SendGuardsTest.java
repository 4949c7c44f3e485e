package dev.baton.engine.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Quiet hours are the lead's local night: a send then waits until the morning, in the lead's time zone. */
class SendGuardsTest {
    private final SendGuards guards = new SendGuards(null, null, null, 3, Duration.ofDays(7), LocalTime.of(21, 0),
            LocalTime.of(8, 0), ZoneId.of("UTC"));

    @Test
    void sendAtShanghaiNightWaitsUntilEightInTheMorningThere() {
        Instant night = Instant.parse("2026-11-23T15:30:00Z"); // 23:30 in Shanghai

        assertThat(guards.endOfQuietHours(ZoneId.of("Asia/Shanghai"), night)).isEqualTo(Instant.parse("2026-11-24T00:00:00Z"));
    }

    @Test
    void sendJustAfterMidnightWaitsUntilThatSameMorning() {
        Instant earlyMorning = Instant.parse("2026-11-23T01:15:00Z");

        assertThat(guards.endOfQuietHours(ZoneId.of("UTC"), earlyMorning)).isEqualTo(Instant.parse("2026-11-23T08:00:00Z"));
    }

    @Test
    void sendInTheDayGoesNow() {
        assertThat(guards.endOfQuietHours(ZoneId.of("Europe/Berlin"), Instant.parse("2026-11-23T10:00:00Z"))).isNull();
    }

    @Test
    void equalBoundsMeanNoQuietHours() {
        SendGuards always = new SendGuards(null, null, null, 3, Duration.ofDays(7), LocalTime.MIDNIGHT, LocalTime.MIDNIGHT,
                ZoneId.of("UTC"));

        assertThat(always.endOfQuietHours(ZoneId.of("UTC"), Instant.parse("2026-11-23T23:59:00Z"))).isNull();
        assertThat(always.endOfQuietHours(ZoneId.of("UTC"), Instant.parse("2026-11-23T00:00:00Z"))).isNull();
    }
}
