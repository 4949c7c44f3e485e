package dev.baton.engine.sales;

import dev.baton.engine.advocacy.LeadAttribution;
import dev.baton.engine.leads.LeadProfile;
import dev.baton.rules.ScoreCard;
import java.util.Locale;

/** A lead profile as assignment sees it: where it is, its industry and language, the sharer's team. */
final class SalesLeads {
    private SalesLeads() {
    }

    /**
     * Country from the traits {@code country}, {@code address.country} or {@code company.country};
     * industry from {@code company.industry} or {@code industry}; language from {@code language}
     * or the first part of {@code locale} (zh-CN → zh); the sharer's team from the share that
     * brought the lead first.
     */
    static Lead of(LeadProfile profile, LeadAttribution.View brought) {
        String country = first(profile, "country", "address.country", "company.country");
        String industry = first(profile, "company.industry", "industry");
        String language = first(profile, "language", "locale");
        if (language != null) {
            language = language.split("[-_]")[0].toLowerCase(Locale.ROOT);
        }
        String grade = profile.tags().stream().filter(t -> t.startsWith(ScoreCard.GRADE))
                .map(t -> t.substring(ScoreCard.GRADE.length())).findFirst().orElse(null);
        String sharerTeam = brought == null || brought.firstTouch() == null ? null : brought.firstTouch().rootTeam();
        return new Lead(profile.id(), country, industry, language, sharerTeam, profile.tier(), profile.score(), grade,
                profile.tags(), profile.traits());
    }

    private static String first(LeadProfile profile, String... traits) {
        for (String trait : traits) {
            Object value = profile.traits().get(trait);
            if (value == null && trait.contains(".")) { // nested: {"company": {"industry": ...}}
                String[] path = trait.split("\\.", 2);
                if (profile.traits().get(path[0]) instanceof java.util.Map<?, ?> nested) {
                    value = nested.get(path[1]);
                }
            }
            if (value != null && !value.toString().isBlank()) {
                return value.toString().strip();
            }
        }
        return null;
    }
}
