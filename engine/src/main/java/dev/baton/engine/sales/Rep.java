package dev.baton.engine.sales;

import dev.baton.engine.web.Id;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.util.List;

/**
 * A sales rep. Written through {@code PUT /api/sales/reps/{id}} or the CSV import, both checked
 * by the annotations here (across fields: {@link ReachableRep}); the figures at the end are Baton's (ignored when written).
 *
 * @param territories  countries or regions they cover (ISO codes, e.g. DE, CN-SH); empty: anywhere
 * @param industries   industries or products they sell; empty: any
 * @param languages    languages they speak (en, zh, de); empty: any
 * @param workingHours when the SLA clock runs, in {@code timeZone}: e.g. {@code MON-FRI 09:00-17:00}
 * @param timeZone     an IANA zone, e.g. Europe/Berlin
 * @param capacity     at most this many open leads at once
 * @param outOfOffice  true: gets no new leads
 * @param crmId        the rep in the CRM (Salesforce user id, HubSpot owner id): the CRM task's owner
 * @param notifyBy     email or sms: how the rep hears of a new lead
 * @param openLeads    open leads now (kept by assignment, in the same transaction)
 * @param slaHits      first answers within the SLA (counted from the recorded answers)
 * @param slaMisses    leads taken away because the SLA passed
 */
@ReachableRep
record Rep(@Id String id, String name, @Email(message = "'${validatedValue}' is not an email address") String email,
           String phone,
           @NotBlank(message = "a rep needs a team") String team, List<String> territories,
           List<String> industries, List<String> languages, String workingHours, String timeZone,
           @Min(value = 1, message = "at least 1 (the most open leads at once)") int capacity,
           boolean outOfOffice, String crmId,
           @Pattern(regexp = "email|sms", message = "email or sms, not '${validatedValue}'") String notifyBy,
           int openLeads, int slaHits, int slaMisses) {
    public Rep {
        email = email == null || email.isBlank() ? null : email.strip();
        phone = phone == null || phone.isBlank() ? null : phone.strip();
        territories = territories == null ? List.of() : List.copyOf(territories);
        industries = industries == null ? List.of() : List.copyOf(industries);
        languages = languages == null ? List.of() : List.copyOf(languages);
        workingHours = workingHours == null || workingHours.isBlank() ? "MON-FRI 09:00-17:00" : workingHours.strip();
        timeZone = timeZone == null || timeZone.isBlank() ? "UTC" : timeZone.strip();
        notifyBy = notifyBy == null || notifyBy.isBlank() ? "email" : notifyBy.strip().toLowerCase(java.util.Locale.ROOT);
    }

    /** A rep as assignment needs it at least: the rest defaulted (weekday office hours in UTC, email). */
    public static Rep of(String id, String team, List<String> territories, List<String> industries, List<String> languages,
                         int capacity, boolean outOfOffice) {
        return new Rep(id, id, id + "@example.com", null, team, territories, industries, languages, null, null, capacity,
                outOfOffice, null, null, 0, 0, 0);
    }

    /** This rep under another id (a PUT's path names the rep, not its body). */
    Rep withId(String newId) {
        return new Rep(newId, name, email, phone, team, territories, industries, languages, workingHours, timeZone, capacity,
                outOfOffice, crmId, notifyBy, openLeads, slaHits, slaMisses);
    }

    /** The SLA clock of this rep. */
    public WorkingHours hours() {
        return WorkingHours.parse(workingHours, timeZone);
    }

    /** Share of leads accepted in time, or null before the first outcome. */
    public Double slaHitRate() {
        int decided = slaHits + slaMisses;
        return decided == 0 ? null : (double) slaHits / decided;
    }
}
