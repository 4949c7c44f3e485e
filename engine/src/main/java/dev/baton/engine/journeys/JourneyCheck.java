package dev.baton.engine.journeys;

import java.util.List;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;

/**
 * What a feature knows about a journey draft that the engine does not: that the template a send
 * step names exists, that the segment a start waits on does. Features declare theirs as beans;
 * {@code POST /api/journeys/validate} runs them after the engine's own parse.
 */
public interface JourneyCheck {

    /** The problems of this model, each at its element. */
    List<Problem> check(BpmnModelInstance model);

    /**
     * One thing to fix in a journey.
     *
     * @param element  the BPMN element's id, or null when it concerns the file
     * @param severity {@code error} (it cannot be deployed, or a lead would be lost at that step) or
     *                 {@code warning} (it runs, but not as drawn)
     * @param line     where in the file, when the parser said
     */
    record Problem(String element, String severity, String message, Integer line) {
        public static Problem error(String element, String message) {
            return new Problem(element, "error", message, null);
        }

        public static Problem warning(String element, String message) {
            return new Problem(element, "warning", message, null);
        }
    }
}
