package dev.baton.engine.advocacy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.RuleVersions;
import dev.baton.rules.advocacy.AdvocacyRules;
import java.time.Clock;
import org.springframework.stereotype.Component;

/** The advocacy point rules in use: uploaded, versioned and activated like the other rule sets. */
@Component
class AdvocacyRuleSets extends RuleVersions<AdvocacyRules> {
    AdvocacyRuleSets(ElasticsearchClient client, Indices indices, Clock clock) {
        super(client, indices, indices::advocacyRules, "advocacy point rules", AdvocacyRules::compile,
                AdvocacyRules.defaultFiles(), clock);
    }
}
