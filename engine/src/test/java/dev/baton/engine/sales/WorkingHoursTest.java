package dev.baton.engine.sales;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The SLA clock runs in the rep's working hours and time zone. */
class WorkingHoursTest {
    private static final WorkingHours BERLIN_OFFICE = WorkingHours.parse("MON-FRI 09:00-17:00", "Europe/Berlin");

    @Test
    void anHourGivenWithinWorkingHoursEndsAnHourLater() {
        // Tuesday 10:00 in Berlin (UTC+1 in November)
        assertThat(BERLIN_OFFICE.plus(Instant.parse("2026-11-24T09:00:00Z"), Duration.ofHours(1)))
                .isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
    }

    @Test
    void anHourGivenFridayAtHalfPastFourEndsMondayAtHalfPastNine() {
        assertThat(BERLIN_OFFICE.plus(Instant.parse("2026-11-27T15:30:00Z"), Duration.ofHours(1)))
                .isEqualTo(Instant.parse("2026-11-30T08:30:00Z"));
    }

    @Test
    void timeGivenAtNightStartsWhenTheOfficeOpens() {
        assertThat(BERLIN_OFFICE.plus(Instant.parse("2026-11-24T22:00:00Z"), Duration.ofMinutes(30)))
                .isEqualTo(Instant.parse("2026-11-25T08:30:00Z"));
    }

    @Test
    void aRepWorkingAroundTheClockHasTheSlaInWallClockTime() {
        WorkingHours always = WorkingHours.parse("MON-SUN 00:00-24:00", "Asia/Shanghai");
        assertThat(always.plus(Instant.parse("2026-11-28T23:30:00Z"), Duration.ofHours(1)))
                .isEqualTo(Instant.parse("2026-11-29T00:30:00Z"));
    }

    @Test
    void listedDaysAndBadInputAreUnderstoodOrRefusedSayingWhy() {
        WorkingHours mwf = WorkingHours.parse("MON,WED,FRI 08:00-12:00", "UTC");
        // Tuesday 11:00 UTC: the next working time is Wednesday 08:00
        assertThat(mwf.plus(Instant.parse("2026-11-24T11:00:00Z"), Duration.ofHours(2)))
                .isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
        assertThatThrownBy(() -> WorkingHours.parse("weekdays", "UTC")).hasMessageContaining("not like MON-FRI 09:00-17:00");
        assertThatThrownBy(() -> WorkingHours.parse("MON-FRI 17:00-09:00", "UTC")).hasMessageContaining("close before they open");
        assertThatThrownBy(() -> WorkingHours.parse("MON-FRI 09:00-17:00", "Mars/Olympus"))
                .hasMessageContaining("unknown time zone 'Mars/Olympus'");
    }
}
