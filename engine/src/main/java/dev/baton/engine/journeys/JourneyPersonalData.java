package dev.baton.engine.journeys;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.privacy.Person;
import dev.baton.engine.privacy.PersonalData;
import java.io.IOException;
import java.util.List;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.springframework.stereotype.Component;

/**
 * Every journey the person was in (running or over, under the lead or a lead folded into it):
 * each with the steps it went through and its variables, from Camunda's history.
 */
@Component
class JourneyPersonalData implements PersonalData {
    private static final int PAGE = 100;
    private final HistoryService history;
    private final ObjectMapper json;

    JourneyPersonalData(HistoryService history, ObjectMapper json) {
        this.history = history;
        this.json = json;
    }

    @Override
    public String part() {
        return "journeys";
    }

    @Override
    public void write(Person person, JsonGenerator out) throws IOException {
        String[] keys = person.leadIds().toArray(String[]::new);
        out.writeStartArray();
        for (int first = 0; ; first += PAGE) {
            List<HistoricProcessInstance> instances = history.createHistoricProcessInstanceQuery().processInstanceBusinessKeyIn(keys)
                    .orderByProcessInstanceStartTime().asc().listPage(first, PAGE);
            for (HistoricProcessInstance instance : instances) {
                write(instance, out);
            }
            if (instances.size() < PAGE) {
                break;
            }
        }
        out.writeEndArray();
    }

    private void write(HistoricProcessInstance instance, JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeStringField("journey", instance.getProcessDefinitionKey());
        out.writeNumberField("version", instance.getProcessDefinitionVersion() == null ? 0 : instance.getProcessDefinitionVersion());
        out.writeStringField("instance", instance.getId());
        out.writeStringField("leadId", instance.getBusinessKey());
        out.writeStringField("state", instance.getState());
        out.writeStringField("startedAt", instance.getStartTime() == null ? null : instance.getStartTime().toInstant().toString());
        out.writeStringField("endedAt", instance.getEndTime() == null ? null : instance.getEndTime().toInstant().toString());
        out.writeArrayFieldStart("steps");
        for (HistoricActivityInstance step : history.createHistoricActivityInstanceQuery().processInstanceId(instance.getId())
                .orderByHistoricActivityInstanceStartTime().asc().orderPartiallyByOccurrence().asc().list()) {
            out.writeStartObject();
            out.writeStringField("step", step.getActivityId());
            out.writeStringField("name", step.getActivityName());
            out.writeStringField("at", step.getStartTime().toInstant().toString());
            out.writeStringField("until", step.getEndTime() == null ? null : step.getEndTime().toInstant().toString());
            out.writeEndObject();
        }
        out.writeEndArray();
        // A list, not an object: one name can be set in several scopes of the instance.
        out.writeArrayFieldStart("variables");
        for (HistoricVariableInstance variable : history.createHistoricVariableInstanceQuery().processInstanceId(instance.getId())
                .disableBinaryFetching().list()) {
            out.writeStartObject();
            out.writeStringField("name", variable.getName());
            out.writeFieldName("value");
            Object value = variable.getValue();
            if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
                json.writeValue(out, value);
            } else {
                // Whatever else a step stored, as text: the export must not fail on one odd value.
                out.writeString(String.valueOf(value));
            }
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeEndObject();
    }
}
