package dev.baton.rules.sales;

import java.util.ArrayList;
import java.util.List;

/**
 * A rep still eligible when the assignment rules run (after the chain's other filters): rules
 * exclude a candidate or prefer it, each with the rule and reason, and assignment then picks
 * among the most preferred of those left.
 */
public final class Candidate {
    private final String rep;
    private final String team;
    private final int capacity;
    private final int openLeads;
    private final List<String> territories;
    private final List<String> industries;
    private final List<String> languages;
    private final List<String> reasons = new ArrayList<>();
    private boolean excluded;
    private int preference;

    public Candidate(String rep, String team, int capacity, int openLeads, List<String> territories,
                     List<String> industries, List<String> languages) {
        this.rep = rep;
        this.team = team;
        this.capacity = capacity;
        this.openLeads = openLeads;
        this.territories = List.copyOf(territories);
        this.industries = List.copyOf(industries);
        this.languages = List.copyOf(languages);
    }

    public String getRep() {
        return rep;
    }

    public String getTeam() {
        return team;
    }

    public int getCapacity() {
        return capacity;
    }

    public int getOpenLeads() {
        return openLeads;
    }

    /** Leads the rep can still take. */
    public int getFree() {
        return capacity - openLeads;
    }

    public List<String> getTerritories() {
        return territories;
    }

    public List<String> getIndustries() {
        return industries;
    }

    public List<String> getLanguages() {
        return languages;
    }

    /** Called by rules: this rep must not get the lead. */
    public void exclude(String rule, String reason) {
        excluded = true;
        reasons.add(rule + ": " + reason);
    }

    /** Called by rules: this rep should rather get the lead (points add up). */
    public void prefer(String rule, int points) {
        preference += points;
        reasons.add(rule + ": +" + points);
    }

    public boolean isExcluded() {
        return excluded;
    }

    public int getPreference() {
        return preference;
    }

    /** What the rules said about this rep, in firing order. */
    public List<String> reasons() {
        return List.copyOf(reasons);
    }
}
