package dev.baton.engine.sales;

import dev.baton.engine.journeys.TopicWorker;
import java.io.IOException;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.springframework.stereotype.Component;

/**
 * The worker for topic {@code sales-outcome}: the rep answered the sales task (in Tasklist, or
 * through the API or CRM webhook, which complete it). Records the outcome (SLA hit or miss, load,
 * event) and hands the journey {@code salesOutcome}. A Tasklist completion without an outcome is
 * an acceptance.
 */
@Component
class SalesOutcomeWorker extends TopicWorker<Void> {
    private final SalesOutcomes outcomes;

    SalesOutcomeWorker(ExternalTaskService tasks, Workers workers, SalesOutcomes outcomes) {
        super(tasks, workers);
        this.outcomes = outcomes;
    }

    @Override
    protected String topic() {
        return "sales-outcome";
    }

    @Override
    protected void handle(LockedExternalTask task, Void batch) throws IOException {
        Map<String, Object> v = task.getVariables();
        String outcome = v.get("outcome") == null ? "accepted" : v.get("outcome").toString().strip().toLowerCase(Locale.ROOT);
        if (!SalesOutcomes.OUTCOMES.contains(outcome)) {
            fail(task, "outcome '" + outcome + "' is not one of " + SalesOutcomes.OUTCOMES
                    + "; correct the variable 'outcome' in Cockpit and retry", false);
            return;
        }
        String reason = v.get("outcomeReason") == null ? null : v.get("outcomeReason").toString();
        String rep = v.get("rep") == null ? null : v.get("rep").toString();
        var due = v.get("slaDue") instanceof Date d ? d.toInstant() : null;
        outcomes.record(task.getBusinessKey(), rep, outcome, reason, due, true, task.getId());
        complete(task, Map.of("salesOutcome", outcome));
    }
}
