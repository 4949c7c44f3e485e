package dev.baton.engine.leads;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.privacy.People;
import dev.baton.engine.privacy.Person;
import dev.baton.engine.privacy.PersonalData;
import dev.baton.engine.search.SearchUnavailableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The person behind any id, and their profile: the live lead as stored (score and its parts,
 * traits, behaviour counts, memberships, journeys' states, what brought them) and every lead
 * folded into it (a visitor, another device), with the ids each was known by.
 */
@Component
class LeadPersonalData implements People, PersonalData {
    private static final int MAX_FOLDS = 10_000;
    private final LeadStore leads;
    private final ObjectMapper json;

    LeadPersonalData(LeadStore leads, ObjectMapper json) {
        this.leads = leads;
        this.json = json;
    }

    @Override
    public Optional<Person> find(String anyId) {
        LeadProfile lead;
        try {
            lead = leads.get(anyId);
        } catch (LeadNotFoundException e) {
            return Optional.empty();
        }
        List<LeadProfile> folded;
        try {
            folded = folded(lead);
        } catch (IOException e) {
            throw new SearchUnavailableException("reading the leads folded into " + lead.id() + " failed: " + e.getMessage(), e);
        }
        Set<String> userIds = new LinkedHashSet<>(lead.userIds());
        Set<String> anonymousIds = new LinkedHashSet<>(lead.anonymousIds());
        Set<String> emails = new LinkedHashSet<>(lead.emails());
        Set<String> phones = new LinkedHashSet<>(lead.phones());
        List<String> leadIds = new ArrayList<>(List.of(lead.id()));
        for (LeadProfile tombstone : folded) {
            leadIds.add(tombstone.id());
            userIds.addAll(tombstone.userIds());
            anonymousIds.addAll(tombstone.anonymousIds());
            emails.addAll(tombstone.emails());
            phones.addAll(tombstone.phones());
        }
        return Optional.of(new Person(lead.id(), leadIds, userIds, anonymousIds, emails, phones));
    }

    /** The leads folded into this one, and into those, as stored (tombstones). */
    private List<LeadProfile> folded(LeadProfile lead) throws IOException {
        Map<String, LeadProfile> found = new LinkedHashMap<>();
        Set<String> next = new LinkedHashSet<>(lead.mergedLeads());
        while (!next.isEmpty() && found.size() < MAX_FOLDS) {
            Set<String> asked = next;
            next = new LinkedHashSet<>();
            for (var read : leads.getAll(asked).values()) {
                LeadProfile tombstone = read.profile();
                if (found.putIfAbsent(tombstone.id(), tombstone) == null) {
                    tombstone.mergedLeads().stream().filter(id -> !found.containsKey(id) && !id.equals(lead.id())).forEach(next::add);
                }
            }
        }
        return List.copyOf(found.values());
    }

    @Override
    public String part() {
        return "profile";
    }

    @Override
    public void write(Person person, JsonGenerator out) throws IOException {
        LeadProfile lead = leads.get(person.leadId());
        out.writeStartObject();
        out.writeFieldName("lead");
        json.writeValue(out, lead);
        out.writeArrayFieldStart("foldedLeads");
        for (LeadProfile tombstone : folded(lead)) {
            json.writeValue(out, tombstone);
        }
        out.writeEndArray();
        out.writeEndObject();
    }
}
