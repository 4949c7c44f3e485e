package dev.baton.engine.sales;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.privacy.Person;
import dev.baton.engine.privacy.PersonalData;
import java.io.IOException;
import org.springframework.stereotype.Component;

/** Who in sales owns the person (rep, since when, through which journey), or which manager queue holds them. */
@Component
class SalesPersonalData implements PersonalData {
    private final Assignments assignments;
    private final ObjectMapper json;

    SalesPersonalData(Assignments assignments, ObjectMapper json) {
        this.assignments = assignments;
        this.json = json;
    }

    @Override
    public String part() {
        return "sales";
    }

    @Override
    public void write(Person person, JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeArrayFieldStart("owners");
        for (String lead : person.leadIds()) {
            Assignments.Owner owner = assignments.owner(lead);
            if (owner != null) {
                json.writeValue(out, owner);
            }
        }
        out.writeEndArray();
        out.writeArrayFieldStart("queued");
        for (String lead : person.leadIds()) {
            Assignments.Queued queued = assignments.queued(lead);
            if (queued != null) {
                json.writeValue(out, queued);
            }
        }
        out.writeEndArray();
        out.writeEndObject();
    }
}
