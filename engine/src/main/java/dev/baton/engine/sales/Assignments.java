package dev.baton.engine.sales;

import dev.baton.rules.sales.AssignmentRules;
import dev.baton.rules.sales.Candidate;
import dev.baton.rules.sales.SalesLead;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Gives a hot lead to one rep by a chain of strategies (filters, then a pick), safely with any
 * number of engine nodes: reps, owners, the round-robin cursor and the manager queue live in the
 * Camunda database every node shares. A lead gets one owner (primary key), a rep never goes over
 * capacity (a conditional update in the same transaction), and round robin takes turns from one
 * shared cursor, so it is fair across nodes and restarts. A lead already owned goes back to its
 * owner; a lead no rep can take goes to the team's manager queue, never nowhere.
 */
class Assignments {
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Supplier<AssignmentRules> rules;

    public Assignments(JdbcTemplate jdbc, TransactionTemplate transactions, Clock clock) {
        this(jdbc, transactions, clock, defaultRules());
    }

    /** @param rules the active assignment rules (the {@code rules} step), looked up per assignment */
    public Assignments(JdbcTemplate jdbc, TransactionTemplate transactions, Clock clock, Supplier<AssignmentRules> rules) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.rules = rules;
    }

    /**
     * @param rep   the owner, or null when the lead went to {@code queue}
     * @param queue the team whose managers got the lead, when no rep could
     * @param fresh false when the lead already had this owner (assignment is idempotent per lead)
     */
    public record Assignment(String leadId, String rep, String queue, String reason, boolean fresh) {
    }

    /** A lead's owner and since when. */
    public record Owner(String leadId, String rep, String journeyInstance, java.time.Instant assignedAt) {
    }

    /** A lead no rep could take, waiting for a manager. */
    public record Queued(String leadId, String team, String reason, java.time.Instant queuedAt) {
    }

    private static Supplier<AssignmentRules> defaultRules() {
        AssignmentRules compiled = AssignmentRules.compile("default", AssignmentRules.defaultFiles());
        return () -> compiled;
    }

    /** Adds or changes a rep (their open load and SLA figures stay as they are). */
    public void putRep(Rep rep) {
        transactions.executeWithoutResult(status -> {
            int updated = jdbc.update("UPDATE baton_sales_rep SET name = ?, email = ?, phone = ?, team = ?, territories = ?,"
                            + " industries = ?, languages = ?, working_hours = ?, time_zone = ?, capacity = ?, out_of_office = ?,"
                            + " crm_id = ?, notify_by = ? WHERE id = ?", rep.name(), rep.email(), rep.phone(), rep.team(),
                    list(rep.territories()), list(rep.industries()), list(rep.languages()), rep.workingHours(), rep.timeZone(),
                    rep.capacity(), rep.outOfOffice(), rep.crmId(), rep.notifyBy(), rep.id());
            if (updated == 0) {
                jdbc.update("INSERT INTO baton_sales_rep (id, name, email, phone, team, territories, industries, languages,"
                                + " working_hours, time_zone, capacity, out_of_office, crm_id, notify_by, open_leads)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)", rep.id(), rep.name(),
                        rep.email(), rep.phone(), rep.team(), list(rep.territories()), list(rep.industries()),
                        list(rep.languages()), rep.workingHours(), rep.timeZone(), rep.capacity(), rep.outOfOffice(),
                        rep.crmId(), rep.notifyBy());
            }
        });
    }

    /** Adds or changes several reps at once: all of them, or none when one fails. */
    public void putReps(List<Rep> reps) {
        transactions.executeWithoutResult(status -> reps.forEach(this::putRep));
    }

    /** Reps with their SLA figures, counted from the recorded answers (nothing kept twice). */
    private static final String REPS = "SELECT r.*,"
            + " (SELECT COUNT(*) FROM baton_sales_sla s WHERE s.rep_id = r.id AND s.hit = TRUE) AS sla_hits,"
            + " (SELECT COUNT(*) FROM baton_sales_sla s WHERE s.rep_id = r.id AND s.hit = FALSE) AS sla_misses"
            + " FROM baton_sales_rep r";

    public List<Rep> reps() {
        return jdbc.query(REPS + " ORDER BY r.id", (rs, n) -> rep(rs));
    }

    public Rep rep(String id) {
        List<Rep> found = jdbc.query(REPS + " WHERE r.id = ?", (rs, n) -> rep(rs), id);
        if (found.isEmpty()) {
            throw new SalesNotFoundException("no sales rep '" + id + "'");
        }
        return found.get(0);
    }

    public String ownerOf(String leadId) {
        Owner owner = owner(leadId);
        return owner == null ? null : owner.rep();
    }

    public Owner owner(String leadId) {
        List<Owner> owners = jdbc.query("SELECT * FROM baton_sales_owner WHERE lead_id = ?", (rs, n) -> new Owner(
                rs.getString("lead_id"), rs.getString("rep_id"), rs.getString("journey_instance"),
                rs.getTimestamp("assigned_at").toInstant()), leadId);
        return owners.isEmpty() ? null : owners.get(0);
    }

    /** The lead's place in a manager queue, or null. */
    public Queued queued(String leadId) {
        List<Queued> queued = jdbc.query("SELECT * FROM baton_sales_queue WHERE lead_id = ?", (rs, n) -> new Queued(
                rs.getString("lead_id"), rs.getString("team"), rs.getString("reason"), rs.getTimestamp("queued_at").toInstant()), leadId);
        return queued.isEmpty() ? null : queued.get(0);
    }

    /** The manager queue, oldest first; {@code team} null for every team. */
    public List<Queued> queue(String team) {
        String sql = "SELECT * FROM baton_sales_queue" + (team == null ? "" : " WHERE team = ?") + " ORDER BY queued_at";
        Object[] args = team == null ? new Object[0] : new Object[] {team};
        return jdbc.query(sql, (rs, n) -> new Queued(rs.getString("lead_id"), rs.getString("team"), rs.getString("reason"),
                rs.getTimestamp("queued_at").toInstant()), args);
    }

    /**
     * Counts an SLA outcome for the rep: answered in time (hit) or taken away when it passed
     * (miss), once per {@code key} (the journey step), however often a retry reports it.
     *
     * @return false when this key was counted before
     */
    public boolean recordSla(String repId, boolean hit, String key) {
        try {
            jdbc.update("INSERT INTO baton_sales_sla (answer_key, rep_id, hit, answered_at) VALUES (?, ?, ?, ?)", key, repId,
                    hit, Timestamp.from(clock.instant()));
            return true;
        } catch (DuplicateKeyException countedBefore) {
            return false;
        }
    }

    /** The lead's owner: its existing one, or one chosen now by the chain, or the manager queue. */
    public Assignment assign(Lead lead, List<Strategy> chain, String journeyInstance) {
        return assign(lead, chain, journeyInstance, Set.of());
    }

    /**
     * As {@link #assign(Lead, List, String)}, never to the reps in {@code excluded} (those who let
     * the SLA pass on this lead).
     */
    public Assignment assign(Lead lead, List<Strategy> chain, String journeyInstance, Set<String> excluded) {
        String owner = ownerOf(lead.id());
        if (owner != null) {
            return new Assignment(lead.id(), owner, null, "already owned", false);
        }
        List<Rep> eligible = reps().stream()
                .filter(r -> !r.outOfOffice() && r.openLeads() < r.capacity() && !excluded.contains(r.id())).toList();
        String why = eligible.isEmpty() ? "every rep is out of office or at capacity" : null;
        Strategy pick = Strategy.LEAST_OPEN;
        for (Strategy step : chain) {
            if (step.isPick()) {
                pick = step;
                continue;
            }
            List<Rep> narrowed = step == Strategy.RULES ? byRules(lead, eligible)
                    : eligible.stream().filter(r -> matches(step, r, lead)).toList();
            if (narrowed.isEmpty() && why == null) {
                why = "no available rep matches " + step.name().toLowerCase(Locale.ROOT).replace('_', '-');
            }
            eligible = narrowed;
        }
        List<Rep> byId = eligible.stream().sorted(Comparator.comparing(Rep::id)).toList();
        if (pick == Strategy.ROUND_ROBIN && !byId.isEmpty()) {
            Assignment claimed = claimInTurn(lead, byId, journeyInstance);
            if (claimed != null) {
                return claimed;
            }
        } else {
            for (Rep candidate : byId.stream().sorted(Comparator.comparingInt(Rep::openLeads)).toList()) {
                Assignment claimed = claim(lead, List.of(candidate), journeyInstance, null);
                if (claimed != null) {
                    return claimed;
                }
            }
        }
        return queue(lead, why != null ? why : "every matching rep filled up meanwhile");
    }

    /**
     * A manager gives a lead (queued or not) to a rep of their choice. The rep's capacity still
     * holds; out of office does not stop a manager.
     *
     * @throws SalesConflictException when the lead has another owner or the rep is at capacity
     */
    public Assignment assignTo(Lead lead, String repId, String journeyInstance) {
        Rep rep = rep(repId);
        String owner = ownerOf(lead.id());
        if (owner != null) {
            if (owner.equals(repId)) {
                return new Assignment(lead.id(), owner, null, "already owned", false);
            }
            throw new SalesConflictException("lead " + lead.id() + " is owned by " + owner + "; release it first");
        }
        try {
            Assignment claimed = transactions.execute(status -> {
                if (jdbc.update("UPDATE baton_sales_rep SET open_leads = open_leads + 1 WHERE id = ? AND open_leads < capacity",
                        repId) != 1) {
                    return null;
                }
                jdbc.update("INSERT INTO baton_sales_owner (lead_id, rep_id, journey_instance, assigned_at) VALUES (?, ?, ?, ?)",
                        lead.id(), repId, journeyInstance, Timestamp.from(clock.instant()));
                jdbc.update("DELETE FROM baton_sales_queue WHERE lead_id = ?", lead.id());
                return new Assignment(lead.id(), repId, null, "chosen by a manager", true);
            });
            if (claimed == null) {
                throw new SalesConflictException(rep.id() + " is at capacity (" + rep.capacity() + " open leads)");
            }
            return claimed;
        } catch (DuplicateKeyException ownedMeanwhile) {
            throw new SalesConflictException("lead " + lead.id() + " was assigned meanwhile to " + ownerOf(lead.id()));
        }
    }

    /** The lead's owner gave it back (rejected, converted, reassigned): the rep's load drops. Returns that owner. */
    public String release(String leadId) {
        return transactions.execute(status -> {
            String owner = ownerOf(leadId);
            if (owner != null && jdbc.update("DELETE FROM baton_sales_owner WHERE lead_id = ?", leadId) == 1) {
                jdbc.update("UPDATE baton_sales_rep SET open_leads = open_leads - 1 WHERE id = ? AND open_leads > 0", owner);
                return owner;
            }
            return null;
        });
    }

    /** The {@code rules} step: the Drools rule set excludes or prefers reps. */
    private List<Rep> byRules(Lead lead, List<Rep> reps) {
        List<Candidate> candidates = reps.stream().map(r -> new Candidate(r.id(), r.team(), r.capacity(), r.openLeads(),
                r.territories(), r.industries(), r.languages())).toList();
        SalesLead fact = new SalesLead(lead.id(), lead.tier(), lead.score(), lead.grade(), lead.country(), lead.industry(),
                lead.language(), lead.sharerTeam(), lead.tags(), lead.traits());
        Set<String> chosen = new java.util.HashSet<>();
        rules.get().choose(fact, candidates).forEach(c -> chosen.add(c.getRep()));
        return reps.stream().filter(r -> chosen.contains(r.id())).toList();
    }

    private static boolean matches(Strategy step, Rep rep, Lead lead) {
        return switch (step) {
            case TERRITORY -> covers(rep.territories(), lead.country());
            case INDUSTRY -> covers(rep.industries(), lead.industry());
            case LANGUAGE -> covers(rep.languages(), lead.language());
            case SHARER_TEAM -> lead.sharerTeam() != null && lead.sharerTeam().equals(rep.team());
            default -> true;
        };
    }

    /** An empty list covers everything; a lead value covers when listed (a region also by its country: CN-SH ⊃ CN). */
    private static boolean covers(List<String> values, String wanted) {
        if (values.isEmpty()) {
            return true;
        }
        if (wanted == null || wanted.isBlank()) {
            return false;
        }
        String w = wanted.strip().toLowerCase(Locale.ROOT);
        return values.stream().map(v -> v.toLowerCase(Locale.ROOT)).anyMatch(v -> v.equals(w) || w.startsWith(v + "-"));
    }

    /**
     * Round robin: the pool's shared cursor turns in the same transaction as the claim, so a turn
     * is used only by an assignment that happens (a lead claimed twice at once, or a rep that
     * filled up, costs no one their turn), and every node takes turns from the same cursor.
     */
    private Assignment claimInTurn(Lead lead, List<Rep> pool, String journeyInstance) {
        String cursor = Integer.toHexString(String.join(",", pool.stream().map(Rep::id).toList()).hashCode());
        if (jdbc.queryForObject("SELECT COUNT(*) FROM baton_sales_cursor WHERE pool = ?", Integer.class, cursor) == 0) {
            try {
                jdbc.update("INSERT INTO baton_sales_cursor (pool, position) VALUES (?, 0)", cursor);
            } catch (DuplicateKeyException anotherNodeFirst) {
                // the cursor exists now, which is all that was needed
            }
        }
        return claim(lead, pool, journeyInstance, cursor);
    }

    /**
     * Makes the first candidate with room (from the cursor's turn, when round robin) the owner,
     * if the lead has none; null when none had room.
     */
    private Assignment claim(Lead lead, List<Rep> candidates, String journeyInstance, String cursor) {
        try {
            return transactions.execute(status -> {
                long turn = 0;
                if (cursor != null) {
                    jdbc.update("UPDATE baton_sales_cursor SET position = position + 1 WHERE pool = ?", cursor);
                    turn = jdbc.queryForObject("SELECT position FROM baton_sales_cursor WHERE pool = ?", Long.class, cursor) - 1;
                }
                for (int i = 0; i < candidates.size(); i++) {
                    Rep rep = candidates.get((int) ((turn + i) % candidates.size()));
                    if (jdbc.update("UPDATE baton_sales_rep SET open_leads = open_leads + 1 WHERE id = ?"
                            + " AND open_leads < capacity AND out_of_office = FALSE", rep.id()) == 1) {
                        jdbc.update("INSERT INTO baton_sales_owner (lead_id, rep_id, journey_instance, assigned_at)"
                                + " VALUES (?, ?, ?, ?)", lead.id(), rep.id(), journeyInstance, Timestamp.from(clock.instant()));
                        jdbc.update("DELETE FROM baton_sales_queue WHERE lead_id = ?", lead.id());
                        return new Assignment(lead.id(), rep.id(), null, "assigned", true);
                    }
                }
                status.setRollbackOnly();
                return null;
            });
        } catch (DuplicateKeyException ownedMeanwhile) {
            // Another node assigned it first; everything this attempt did is rolled back.
            return new Assignment(lead.id(), ownerOf(lead.id()), null, "already owned", false);
        }
    }

    /** Puts the lead in its team's manager queue (once), with why. */
    public Assignment queue(Lead lead, String reason) {
        String team = lead.sharerTeam() != null ? lead.sharerTeam() : "sales";
        try {
            jdbc.update("INSERT INTO baton_sales_queue (lead_id, team, reason, queued_at) VALUES (?, ?, ?, ?)", lead.id(), team,
                    reason, Timestamp.from(clock.instant()));
        } catch (DuplicateKeyException alreadyQueued) {
            // queued before: it stays in the queue once
        }
        return new Assignment(lead.id(), null, team, reason, true);
    }

    private static Rep rep(ResultSet rs) throws SQLException {
        return new Rep(rs.getString("id"), rs.getString("name"), rs.getString("email"), rs.getString("phone"),
                rs.getString("team"), split(rs.getString("territories")), split(rs.getString("industries")),
                split(rs.getString("languages")), rs.getString("working_hours"), rs.getString("time_zone"),
                rs.getInt("capacity"), rs.getBoolean("out_of_office"), rs.getString("crm_id"), rs.getString("notify_by"),
                rs.getInt("open_leads"), rs.getInt("sla_hits"), rs.getInt("sla_misses"));
    }

    private static String list(List<String> values) {
        return values == null ? "" : String.join(",", values);
    }

    private static List<String> split(String values) {
        return values == null || values.isBlank() ? List.of() : Arrays.stream(values.split(",")).map(String::strip).toList();
    }
}
