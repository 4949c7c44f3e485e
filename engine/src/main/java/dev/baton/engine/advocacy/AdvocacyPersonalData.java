package dev.baton.engine.advocacy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.privacy.Person;
import dev.baton.engine.privacy.PersonalData;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.stereotype.Component;

/** Which employee's share brought the person, first and last touch, and the chain of re-shares it came through. */
@Component
class AdvocacyPersonalData implements PersonalData {
    private final LeadAttribution attribution;
    private final ObjectMapper json;

    AdvocacyPersonalData(LeadAttribution attribution, ObjectMapper json) {
        this.attribution = attribution;
        this.json = json;
    }

    @Override
    public String part() {
        return "attribution";
    }

    @Override
    public void write(Person person, JsonGenerator out) throws IOException {
        Set<String> visitors = new LinkedHashSet<>(person.leadIds());
        visitors.addAll(person.anonymousIds());
        json.writeValue(out, attribution.of(visitors));
    }
}
