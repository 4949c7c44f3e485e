package dev.baton.engine.journeys;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParse;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.TransactionState;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * A step for a worker (an external task: assign a rep, create the CRM task, send an email) is
 * taken by this node's worker for its topic as soon as the transaction that made it commits,
 * instead of at the worker's next poll ({@code baton.workers.poll-interval}, 500 ms). A hot lead
 * passes two such steps before its CRM task exists, so this takes up to a second off the handoff.
 * Workers of other nodes still find the step at their next scheduled poll (every poll interval,
 * or up to {@code baton.workers.idle-poll-max} while their topic was empty; fetch-and-lock gives
 * it to one). Topics known only at run time are found the same way.
 */
@Component
class TaskWakeUps extends AbstractProcessEnginePlugin {
    private final ObjectProvider<TopicWorker<?>> workers;
    private volatile Map<String, List<TopicWorker<?>>> byTopic;

    TaskWakeUps(ObjectProvider<TopicWorker<?>> workers) {
        this.workers = workers;
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        ParseListeners.addAfter(configuration, new AbstractBpmnParseListener() {
            @Override
            public void parseServiceTask(Element element, ScopeImpl scope, ActivityImpl activity) {
                wakeOnStart(element, activity);
            }

            @Override
            public void parseSendTask(Element element, ScopeImpl scope, ActivityImpl activity) {
                wakeOnStart(element, activity);
            }
        });
    }

    /** An external task's step wakes its topic's worker once the transaction that made it commits. */
    private void wakeOnStart(Element element, ActivityImpl activity) {
        String topic = element.attributeNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "topic");
        if (topic == null || topic.contains("${")) {
            return; // not an external task, or a topic only known at run time: the poll finds it
        }
        activity.addListener(ExecutionListener.EVENTNAME_START, (ExecutionListener) execution ->
                Context.getCommandContext().getTransactionContext()
                        .addTransactionListener(TransactionState.COMMITTED, committed -> wake(topic)));
    }

    private void wake(String topic) {
        Map<String, List<TopicWorker<?>>> known = byTopic;
        if (known == null) {
            known = workers.orderedStream().collect(Collectors.groupingBy(TopicWorker::topic));
            byTopic = known;
        }
        known.getOrDefault(topic, List.of()).forEach(TopicWorker::wake);
    }
}
