package dev.baton.engine.sales;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.baton.engine.leads.NotScoredEvents;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.RuleVersions;
import dev.baton.rules.sales.AssignmentRules;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Sales state lives in the Camunda database every node shares; the assignment rules in Elasticsearch. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SalesProperties.class)
class SalesConfiguration {

    /** Sales' outcomes (Accepted, Rejected, Converted) are news of the lead and stay scored; the handoff's steps are not. */
    @Bean
    NotScoredEvents handoffSteps() {
        return NotScoredEvents.of(SalesAssignmentWorker.ASSIGNED, SalesAssignmentWorker.QUEUED, SalesAssignmentWorker.SLA_MISSED);
    }

    @Bean
    SalesRuleSets salesRuleSets(ElasticsearchClient client, Indices indices, Clock clock) {
        return new SalesRuleSets(client, indices, clock);
    }

    /**
     * Made after the migrations (db/migration) ran: it takes the DataSource, not the JdbcTemplate
     * bean Spring Boot already orders after them.
     */
    @Bean
    @DependsOnDatabaseInitialization
    Assignments assignments(DataSource camundaDatabase, PlatformTransactionManager transactions, Clock clock,
                            SalesRuleSets rules) {
        return new Assignments(new JdbcTemplate(camundaDatabase), new TransactionTemplate(transactions), clock, rules::active);
    }

    /** The assignment rules in use: uploaded, versioned and activated like the other rule sets. */
    static class SalesRuleSets extends RuleVersions<AssignmentRules> {
        SalesRuleSets(ElasticsearchClient client, Indices indices, Clock clock) {
            super(client, indices, indices::salesRules, "sales assignment rules", AssignmentRules::compile,
                    AssignmentRules.defaultFiles(), clock);
        }
    }
}
