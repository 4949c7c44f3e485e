package dev.baton.rules;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.kie.api.KieBase;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.KieSessionsPool;

/**
 * A compiled, immutable rule set: thread-safe, shared by every consumer thread, and swapped
 * whole when another version is activated, so no event is scored by half a rule set.
 */
public final class CompiledRuleSet {
    /** Scores above this are not searched for a lower tier boundary (nobody has such a score). */
    private static final int MAX_BAND_SEARCH = 100_000;
    private final String version;
    private final KieBase kieBase;
    /**
     * Sessions to score with, reused: disposing one resets it (facts, agenda, globals, listeners)
     * and hands it back, which costs less than building a session per event. Thread-safe.
     */
    private final KieSessionsPool sessions;
    private final ScoreDecay decay;
    /** Score → the tier the tier rules give it, filled as asked; tier rules see only the score. */
    private final ConcurrentMap<Integer, String> bands = new ConcurrentHashMap<>();

    CompiledRuleSet(String version, KieBase kieBase, ScoreDecay decay) {
        this.version = version;
        this.kieBase = kieBase;
        this.sessions = kieBase.newKieSessionsPool(1);
        this.decay = decay;
    }

    public ScoreDecay decay() {
        return decay;
    }

    public String version() {
        return version;
    }

    public int ruleCount() {
        return kieBase.getKiePackages().stream().mapToInt(p -> p.getRules().size()).sum();
    }

    /**
     * Runs the rules over one event for one lead and returns what they changed, with reasons.
     * Two passes in one pooled session: points and fit rules see the lead and the event; then
     * the resulting {@link Score} and {@link Fit} are inserted for the tier and grade rules, so
     * tiers band the new total.
     */
    public ScoreCard score(Lead lead, BehaviourEvent event) {
        return run(lead, event);
    }

    /**
     * The tier the tier rules give the lead's current score, or null when it keeps its tier; used
     * when a score changes without an event (two profiles merged).
     */
    public String tier(Lead lead) {
        return run(lead, null).changes().stream()
                .filter(change -> change.kind() == ScoreChange.Kind.TIER)
                .map(ScoreChange::value)
                .reduce((first, last) -> last)
                .orElse(null);
    }

    /** One event applied to a lead's state, with the card that explains it. */
    public record Step(LeadState state, ScoreCard card, double lateFactor) {
    }

    /**
     * Applies one event to a lead's state: ages the points to the event (or, for an event older
     * than the state, ages the event's points to the state's instant, so arrival order does not
     * change the score), runs the rules, and adds their points, tags and tier. Fit is who the lead
     * is, not what it did: the fit points the rules give for this event replace the previous ones
     * (so a changed job title changes them, and they never pile up). A lead has one grade tag.
     *
     * @return the new state, the card, and the factor the event's behaviour points were counted at
     */
    public Step apply(String leadId, LeadState state, java.util.Map<String, Object> traits, BehaviourEvent event) {
        Instant at = state.asOf() == null || event.getTimestamp().isAfter(state.asOf()) ? event.getTimestamp() : state.asOf();
        double behaviour = state.behaviour() * decay.factor(state.asOf(), at);
        int scoreNow = ScoreDecay.score(behaviour, state.fit());
        ScoreCard card = score(new Lead(leadId, scoreNow, state.tier(), state.tags(), traits, state.recent(),
                event.getTimestamp(), state.firstSeen()), event);
        double lateFactor = decay.factor(event.getTimestamp(), at);
        double fit = card.fitPoints();
        java.util.Set<String> tags = new java.util.LinkedHashSet<>(state.tags());
        String tier = state.tier();
        for (ScoreChange change : card.changes()) {
            switch (change.kind()) {
                case POINTS -> behaviour += change.points() * lateFactor;
                case FIT -> { } // summed above
                case TAG -> {
                    if (change.value().startsWith(ScoreCard.GRADE)) {
                        tags.removeIf(tag -> tag.startsWith(ScoreCard.GRADE));
                    }
                    tags.add(change.value());
                }
                case UNTAG -> tags.remove(change.value());
                case TIER -> tier = change.value();
            }
        }
        Instant firstSeen = state.firstSeen() == null || event.getTimestamp().isBefore(state.firstSeen())
                ? event.getTimestamp() : state.firstSeen();
        return new Step(new LeadState(behaviour, fit, at, tier, tags, Activity.append(state.recent(), Activity.of(event)),
                firstSeen), card, lateFactor);
    }

    /** The state as it stands at {@code now}: points aged, tier rules applied to the aged score. */
    public LeadState review(String leadId, LeadState state, java.util.Map<String, Object> traits, Instant now) {
        Instant at = state.asOf() == null || now.isAfter(state.asOf()) ? now : state.asOf();
        LeadState aged = new LeadState(state.behaviour() * decay.factor(state.asOf(), at), state.fit(), at,
                state.tier(), state.tags(), state.recent(), state.firstSeen());
        String tier = tier(new Lead(leadId, aged.score(), aged.tier(), aged.tags(), traits));
        return tier == null ? aged
                : new LeadState(aged.behaviour(), aged.fit(), at, tier, aged.tags(), aged.recent(), aged.firstSeen());
    }

    /** The tier the tier rules give a score, whatever the lead's tier was (remembered per score). */
    public String band(int score) {
        String band = bands.get(score);
        if (band == null) {
            band = run(new Lead("(band)", score, null, java.util.Set.of(), java.util.Map.of()), null).changes().stream()
                    .filter(change -> change.kind() == ScoreChange.Kind.TIER)
                    .map(ScoreChange::value)
                    .reduce((first, last) -> last)
                    .orElse("");
            bands.put(score, band);
        }
        return band;
    }

    /**
     * When decay alone next moves a lead to another tier: the instant its rounded score first
     * falls into a lower band. Empty when it never does (no decay, no behaviour points, or it is
     * in the lowest band already). Assumes tier rules band the score (as the default ones do);
     * the decay pass re-runs the full tier rules then, so other tier rules are still applied,
     * only not necessarily at the exact instant.
     */
    public Optional<Instant> nextTierChange(double behaviour, double fit, Instant at) {
        int score = ScoreDecay.score(behaviour, fit);
        if (decay.halfLife() == null || behaviour <= 0 || score > MAX_BAND_SEARCH) {
            return Optional.empty();
        }
        String current = band(score);
        int floor = (int) Math.round(fit);
        for (int lower = score - 1; lower >= floor; lower--) {
            if (!band(lower).equals(current)) {
                return decay.whenScoreReaches(lower, behaviour, fit, at);
            }
        }
        return Optional.empty();
    }

    private ScoreCard run(Lead lead, BehaviourEvent event) {
        ScoreCard card = new ScoreCard();
        KieSession session = sessions.newKieSession();
        try {
            session.setGlobal("scoreCard", card);
            session.addEventListener(new DefaultAgendaEventListener() {
                @Override
                public void beforeMatchFired(BeforeMatchFiredEvent fired) {
                    card.firing(fired.getMatch().getRule().getName());
                }
            });
            session.insert(lead);
            if (event != null) {
                session.insert(event);
                session.fireAllRules();
            }
            session.insert(new Score(lead.getScore() + card.points(), lead.getTier()));
            if (event != null) {
                session.insert(new Fit(card.fitPoints()));
            }
            session.fireAllRules();
        } finally {
            session.dispose();
        }
        return card;
    }
}
