package dev.baton.engine.privacy;

import java.util.List;
import java.util.Set;

/**
 * One person as Baton knows them: the lead, the leads folded into it (visitors, devices), and
 * every id they were known by. Each feature finds what it holds about the person by these.
 *
 * @param leadIds the live lead first, then the leads folded into it
 */
public record Person(String leadId, List<String> leadIds, Set<String> userIds, Set<String> anonymousIds, Set<String> emails,
                     Set<String> phones) {
    public Person {
        leadIds = List.copyOf(leadIds);
        userIds = Set.copyOf(userIds);
        anonymousIds = Set.copyOf(anonymousIds);
        emails = Set.copyOf(emails);
        phones = Set.copyOf(phones);
    }
}
