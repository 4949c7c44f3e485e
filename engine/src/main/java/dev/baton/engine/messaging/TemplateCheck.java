package dev.baton.engine.messaging;

import dev.baton.engine.journeys.JourneyCheck;
import dev.baton.engine.journeys.JourneyShapes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.springframework.stereotype.Component;

/** A journey's send steps name templates this node can send (email templates, SMS texts or provider codes). */
@Component
class TemplateCheck implements JourneyCheck {
    private final Map<String, ChannelWorker> byTopic;

    TemplateCheck(List<ChannelWorker> workers) {
        this.byTopic = workers.stream().collect(Collectors.toMap(ChannelWorker::stepTopic, Function.identity(), (a, b) -> a));
    }

    @Override
    public List<Problem> check(BpmnModelInstance model) {
        List<Problem> problems = new ArrayList<>();
        JourneyShapes.templatesNamed(model).forEach((step, named) -> {
            ChannelWorker worker = byTopic.get(named.getKey());
            String problem = worker == null ? null : worker.templateProblem(named.getValue());
            if (problem != null) {
                problems.add(Problem.error(step, problem));
            }
        });
        return problems;
    }
}
