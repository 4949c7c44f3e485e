package dev.baton.engine.sales;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.engine.testing.BatonSchema;
import dev.baton.engine.testing.TestPostgres;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Hot leads to reps by a chain of strategies, against the database engine nodes share (H2 here). */
class AssignmentsTest {
    private static final List<Strategy> TERRITORY_THEN_LEAST_OPEN = List.of(Strategy.TERRITORY, Strategy.LEAST_OPEN);

    @Test
    void territoryThenLeastOpenGivesTheLeadToTheMatchingRepWithFewestOpenLeads() {
        Assignments sales = node(database());
        sales.putRep(rep("anna", "emea", List.of("DE", "AT"), 5));
        sales.putRep(rep("bert", "emea", List.of("DE"), 5));
        sales.putRep(rep("chen", "apac", List.of("CN"), 5));
        sales.assign(lead("l1", "DE", null), List.of(Strategy.TERRITORY, Strategy.LEAST_OPEN), null); // anna (tie → id)

        var second = sales.assign(lead("l2", "DE", null), TERRITORY_THEN_LEAST_OPEN, null);
        var shanghai = sales.assign(lead("l3", "CN-SH", null), TERRITORY_THEN_LEAST_OPEN, null);

        assertThat(second.rep()).isEqualTo("bert");
        assertThat(shanghai.rep()).as("a region is covered by its country").isEqualTo("chen");
    }

    @Test
    void leadAlreadyOwnedGoesBackToItsOwner() {
        Assignments sales = node(database());
        sales.putRep(rep("anna", "emea", List.of(), 5));
        sales.putRep(rep("bert", "emea", List.of(), 5));
        var first = sales.assign(lead("l1", "DE", null), List.of(Strategy.ROUND_ROBIN), "journey-1");

        var again = sales.assign(lead("l1", "DE", null), List.of(Strategy.ROUND_ROBIN), "journey-2");

        assertThat(again.rep()).isEqualTo(first.rep());
        assertThat(again.fresh()).isFalse();
        assertThat(sales.reps()).extracting(Rep::openLeads).containsExactlyInAnyOrder(1, 0);
    }

    @Test
    void sharersTeamKeepsItsLeadsWhenTheCompanyWantsThat() {
        Assignments sales = node(database());
        sales.putRep(rep("anna", "north", List.of(), 5));
        sales.putRep(rep("bert", "south", List.of(), 5));

        var assigned = sales.assign(lead("l1", "DE", "south"), List.of(Strategy.SHARER_TEAM, Strategy.ROUND_ROBIN), null);

        assertThat(assigned.rep()).isEqualTo("bert");
    }

    @Test
    void fullAndOutOfOfficeRepsAreSkippedAndNoEligibleRepMeansTheManagerQueue() {
        Assignments sales = node(database());
        sales.putRep(rep("anna", "emea", List.of("DE"), 1));
        sales.putRep(Rep.of("bert", "emea", List.of("DE"), List.of(), List.of(), 5, true));
        assertThat(sales.assign(lead("l1", "DE", null), TERRITORY_THEN_LEAST_OPEN, null).rep()).isEqualTo("anna");

        var overflow = sales.assign(lead("l2", "DE", "emea"), TERRITORY_THEN_LEAST_OPEN, null);
        var nowhere = sales.assign(lead("l3", "BR", null), TERRITORY_THEN_LEAST_OPEN, null);

        assertThat(overflow.rep()).isNull();
        assertThat(overflow.queue()).isEqualTo("emea");
        assertThat(nowhere.rep()).isNull();
        assertThat(nowhere.reason()).contains("out of office or at capacity");
        assertThat(sales.reps()).filteredOn(r -> r.id().equals("anna")).extracting(Rep::openLeads).containsExactly(1);
    }

    @Test
    void languageAndIndustryFilterTheRepsAndNoMatchSaysWhichFilterFoundNobody() {
        Assignments sales = node(database());
        sales.putRep(Rep.of("li", "apac", List.of(), List.of("software"), List.of("zh", "en"), 5, false));
        sales.putRep(Rep.of("ole", "emea", List.of(), List.of("retail"), List.of("de", "en"), 5, false));
        List<Strategy> chain = List.of(Strategy.INDUSTRY, Strategy.LANGUAGE, Strategy.LEAST_OPEN);

        assertThat(sales.assign(new Lead("l1", "CN", "software", "zh", null), chain, null).rep()).isEqualTo("li");
        var none = sales.assign(new Lead("l2", "FR", "software", "fr", null), chain, null);
        assertThat(none.rep()).isNull();
        assertThat(none.reason()).isEqualTo("no available rep matches language");
    }

    @Test
    void rulesStepKeepsALastFreeSlotForHotLeadsAndPrefersRepsWithRoomForGradeA() {
        Assignments sales = node(database());
        sales.putRep(rep("anna", "emea", List.of(), 1));
        sales.putRep(rep("bert", "emea", List.of(), 5));
        List<Strategy> chain = List.of(Strategy.RULES, Strategy.ROUND_ROBIN);

        var warm = sales.assign(new Lead("w1", "DE", null, null, null, "warm", 40, null, java.util.Set.of(), Map.of()), chain, null);
        var gradeA = sales.assign(new Lead("a1", "DE", null, null, null, "hot", 90, "A", java.util.Set.of(), Map.of()), chain, null);

        assertThat(warm.rep()).as("anna's only slot is kept for a hot lead").isEqualTo("bert");
        assertThat(gradeA.rep()).as("bert has room to spare").isEqualTo("bert");
    }

    @Test
    void repsWhoLetTheSlaPassAreNotAskedAgainAndAManagerCanChooseAnyRepWithRoom() {
        Assignments sales = node(database());
        sales.putRep(rep("anna", "emea", List.of(), 5));
        sales.putRep(rep("bert", "emea", List.of(), 1));
        sales.putRep(rep("chen", "emea", List.of(), 5));
        assertThat(sales.assign(lead("l1", "DE", null), List.of(Strategy.LEAST_OPEN), "p1").rep()).isEqualTo("anna");

        assertThat(sales.release("l1")).isEqualTo("anna");
        assertThat(sales.recordSla("anna", false, "miss:task-1")).isTrue();
        assertThat(sales.recordSla("anna", false, "miss:task-1")).as("a retry counts once").isFalse();
        var next = sales.assign(lead("l1", "DE", null), List.of(Strategy.LEAST_OPEN), "p1", java.util.Set.of("anna"));
        sales.assign(lead("l2", "DE", null), List.of(Strategy.ROUND_ROBIN), "p2", java.util.Set.of("anna", "chen"));

        assertThat(next.rep()).isEqualTo("bert");
        assertThat(sales.rep("anna").slaMisses()).isEqualTo(1);
        var queued = sales.queue(null);
        assertThat(queued).extracting(Assignments.Queued::leadId).containsExactly("l2");
        assertThatThrownBy(() -> sales.assignTo(lead("l2", "DE", null), "bert", "p2"))
                .isInstanceOf(SalesConflictException.class).hasMessageContaining("bert is at capacity");
        assertThat(sales.assignTo(lead("l2", "DE", null), "chen", "p2").rep()).isEqualTo("chen");
        assertThat(sales.queue(null)).as("the manager's choice empties the queue").isEmpty();
    }

    @Test
    void thousandHotLeadsFromTwoNodesAtOnceGetOneOwnerEachNoRepOverCapacityAndAnEvenRoundRobin() throws Exception {
        thousandLeadsFromTwoNodes(database());
    }

    /** The same on PostgreSQL, the database production nodes share (its locking differs from H2's). */
    @Test
    void thousandHotLeadsFromTwoNodesSharingPostgreSqlGetOneOwnerEachNoRepOverCapacityAndAnEvenRoundRobin()
            throws Exception {
        thousandLeadsFromTwoNodes(TestPostgres.freshSchema("sales"));
    }

    private void thousandLeadsFromTwoNodes(String url) throws Exception {
        Assignments setup = node(url);
        for (int r = 0; r < 10; r++) {
            setup.putRep(rep("rep-" + r, "emea", List.of(), 150));
        }
        // Two engine nodes: their own connections to the one database, their own threads.
        List<Assignments> nodes = List.of(node(url), node(url));
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<Assignments.Assignment>> results = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Assignments node = nodes.get(i % 2);
            Lead lead = lead("hot-" + (i % 1000), "DE", null);
            results.add(threads.submit(() -> node.assign(lead, List.of(Strategy.ROUND_ROBIN), null)));
            if (i % 10 == 0) { // some leads asked for twice, by both nodes at once
                Lead again = lead("hot-" + i, "DE", null);
                results.add(threads.submit(() -> nodes.get(1 - (int) (again.id().hashCode() & 1)).assign(again,
                        List.of(Strategy.ROUND_ROBIN), null)));
            }
        }
        Map<String, String> ownerOf = new java.util.HashMap<>();
        for (Future<Assignments.Assignment> result : results) {
            Assignments.Assignment a = result.get();
            assertThat(a.rep()).as(a.leadId() + " " + a.reason()).isNotNull();
            String before = ownerOf.putIfAbsent(a.leadId(), a.rep());
            assertThat(before == null || before.equals(a.rep())).as("one owner for " + a.leadId()).isTrue();
        }
        threads.shutdown();

        assertThat(ownerOf).hasSize(1000);
        Map<String, Long> load = ownerOf.values().stream().collect(Collectors.groupingBy(r -> r, Collectors.counting()));
        List<Rep> reps = setup.reps();
        assertThat(reps).allMatch(r -> r.openLeads() <= r.capacity());
        assertThat(reps).allMatch(r -> r.openLeads() == load.getOrDefault(r.id(), 0L));
        long most = load.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        long least = reps.stream().mapToLong(r -> load.getOrDefault(r.id(), 0L)).min().orElseThrow();
        assertThat(most - least).as("round robin within one lead of even: " + load).isLessThanOrEqualTo(1);
    }

    private static String database() {
        return "jdbc:h2:mem:sales-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
    }

    private static Assignments node(String url) {
        var pool = new com.zaxxer.hikari.HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setUsername(url.startsWith("jdbc:postgresql") ? TestPostgres.user() : "sa");
        pool.setMaximumPoolSize(4);
        BatonSchema.migrate(pool); // as each engine node does when it starts
        return new Assignments(new JdbcTemplate(pool), new TransactionTemplate(new DataSourceTransactionManager(pool)),
                Clock.systemUTC());
    }

    private static Rep rep(String id, String team, List<String> territories, int capacity) {
        return Rep.of(id, team, territories, List.of(), List.of(), capacity, false);
    }

    private static Lead lead(String id, String country, String sharerTeam) {
        return new Lead(id, country, null, null, sharerTeam);
    }
}
