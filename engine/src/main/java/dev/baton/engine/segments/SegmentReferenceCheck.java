package dev.baton.engine.segments;

import dev.baton.engine.journeys.JourneyCheck;
import dev.baton.engine.journeys.JourneyShapes;
import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.springframework.stereotype.Component;

/** A journey starts on, waits for and branches on segments that exist (as every node knows them). */
@Component
class SegmentReferenceCheck implements JourneyCheck {
    private final SegmentCatalog catalog;

    SegmentReferenceCheck(SegmentCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public List<Problem> check(BpmnModelInstance model) {
        List<Problem> problems = new ArrayList<>();
        var known = catalog.segments();
        for (var named : JourneyShapes.segmentsNamed(model)) {
            String segment = named.getValue();
            if (!known.containsKey(segment)) {
                problems.add(Problem.error(named.getKey(), "no segment with id '" + segment + "': save it first (PUT /api/segments/"
                        + segment + "), or pick one that exists"));
            }
        }
        return problems;
    }
}
