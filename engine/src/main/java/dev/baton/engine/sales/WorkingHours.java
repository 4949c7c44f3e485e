package dev.baton.engine.sales;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * When a rep works, in their own time zone: {@code MON-FRI 09:00-17:00}, {@code MON,WED,FRI
 * 08:00-12:00}, {@code MON-SUN 00:00-24:00}. An SLA of one working hour given on Friday at 16:30
 * in Berlin ends Monday at 09:30 Berlin time.
 */
record WorkingHours(Set<DayOfWeek> days, LocalTime opens, LocalTime closes, boolean untilMidnight, ZoneId zone) {

    /** @throws IllegalArgumentException saying what is wrong */
    public static WorkingHours parse(String text, String timeZone) {
        String[] parts = text.strip().toUpperCase(Locale.ROOT).split("\\s+");
        if (parts.length != 2 || !parts[1].matches("\\d{2}:\\d{2}-\\d{2}:\\d{2}")) {
            throw new IllegalArgumentException("working hours '" + text + "' are not like MON-FRI 09:00-17:00");
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String item : parts[0].split(",")) {
            String[] range = item.split("-");
            DayOfWeek from = day(range[0], text);
            DayOfWeek to = range.length > 1 ? day(range[1], text) : from;
            for (DayOfWeek d = from; ; d = d.plus(1)) {
                days.add(d);
                if (d == to) {
                    break;
                }
            }
        }
        String[] times = parts[1].split("-");
        boolean untilMidnight = times[1].equals("24:00");
        LocalTime opens;
        LocalTime closes;
        try {
            opens = LocalTime.parse(times[0]);
            closes = untilMidnight ? LocalTime.MAX : LocalTime.parse(times[1]);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("working hours '" + text + "': " + e.getMessage());
        }
        if (!opens.isBefore(closes)) {
            throw new IllegalArgumentException("working hours '" + text + "' close before they open");
        }
        try {
            return new WorkingHours(days, opens, closes, untilMidnight, ZoneId.of(timeZone));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("unknown time zone '" + timeZone + "' (use an IANA name like Europe/Berlin)");
        }
    }

    private static DayOfWeek day(String text, String whole) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().startsWith(text) && text.length() >= 3) {
                return d;
            }
        }
        throw new IllegalArgumentException("working hours '" + whole + "': '" + text + "' is no day (MON, TUE, ...)");
    }

    /** The instant when {@code work} of working time has passed, counting from {@code from}. */
    public Instant plus(Instant from, Duration work) {
        ZonedDateTime at = from.atZone(zone);
        Duration left = work;
        for (int day = 0; day < 400; day++) {
            if (days.contains(at.getDayOfWeek())) {
                ZonedDateTime open = at.with(opens);
                ZonedDateTime close = untilMidnight ? at.toLocalDate().plusDays(1).atStartOfDay(zone) : at.with(closes);
                if (at.isBefore(open)) {
                    at = open;
                }
                if (at.isBefore(close)) {
                    Duration available = Duration.between(at, close);
                    if (left.compareTo(available) <= 0) {
                        return at.plus(left).toInstant();
                    }
                    left = left.minus(available);
                }
            }
            at = at.toLocalDate().plusDays(1).atStartOfDay(zone);
        }
        throw new IllegalStateException("no working time within 400 days in " + this);
    }
}
