package dev.baton.engine.journeys;

import java.util.Set;
import org.camunda.bpm.engine.BpmnParseException;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Refuses, at deployment, a journey whose service task names an external-task topic no Baton
 * worker serves ({@code baton.journeys.topics}): it would wait forever. Camunda's REST answers
 * the Modeler's Deploy with a 400 naming the element, and nothing of the deployment is kept.
 */
@Component
class JourneyValidation extends AbstractProcessEnginePlugin {
    private static final String CAMUNDA = "http://camunda.org/schema/1.0/bpmn";
    private final Set<String> topics;

    JourneyValidation(@Value("${baton.journeys.topics}") Set<String> topics) {
        this.topics = Set.copyOf(topics);
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        ParseListeners.addBefore(configuration, new AbstractBpmnParseListener() {
            @Override
            public void parseServiceTask(Element element, ScopeImpl scope, ActivityImpl activity) {
                check(element, activity);
            }

            @Override
            public void parseSendTask(Element element, ScopeImpl scope, ActivityImpl activity) {
                check(element, activity);
            }
        });
    }

    private void check(Element element, ActivityImpl activity) {
        String type = element.attributeNS(new org.camunda.bpm.engine.impl.util.xml.Namespace(CAMUNDA), "type");
        String topic = element.attributeNS(new org.camunda.bpm.engine.impl.util.xml.Namespace(CAMUNDA), "topic");
        if ("external".equals(type) && topic != null && !topic.contains("${") && !topics.contains(topic)) {
            // A parse error with its element: the deployment fails as a whole, REST answers 400 with it.
            throw new BpmnParseException("element '" + activity.getId() + "' uses external-task topic '" + topic
                    + "', which no Baton worker serves; known topics: " + topics.stream().sorted().toList(), element);
        }
    }
}
