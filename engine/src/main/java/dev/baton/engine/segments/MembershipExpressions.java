package dev.baton.engine.segments;

import dev.baton.engine.leads.LeadNotFoundException;
import dev.baton.engine.leads.LeadStore;
import org.springframework.stereotype.Component;

/**
 * Membership as journeys branch on it: the bean {@code membership} in Camunda expressions, e.g. a
 * gateway's flow condition {@code ${membership.in(execution.processBusinessKey, 'warm-pricing')}}
 * (element template "Baton: branch on segment"). It reads the lead's recorded memberships (a
 * realtime read of its profile), the same ones Segment Entered / Segment Left report.
 */
@Component("membership")
public class MembershipExpressions {
    private final LeadStore leads;

    MembershipExpressions(LeadStore leads) {
        this.leads = leads;
    }

    /** Whether the lead is in the segment now; false for a lead Baton does not know. */
    public boolean in(String leadId, String segmentId) {
        try {
            return leads.get(leadId).segments().in().contains(segmentId);
        } catch (LeadNotFoundException e) {
            return false;
        }
    }
}
