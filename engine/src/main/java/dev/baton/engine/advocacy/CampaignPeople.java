package dev.baton.engine.advocacy;

import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import java.io.IOException;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The people a campaign's shares brought first, page by page, for figures another feature scopes
 * to a campaign (the funnel): every person once, however many the campaign brought.
 */
@Component
public class CampaignPeople {
    private final BroughtVisitors visitors;

    CampaignPeople(BroughtVisitors visitors) {
        this.visitors = visitors;
    }

    /** Receives the ids of one page of people. */
    public interface Page {
        void accept(Set<String> ids) throws IOException;
    }

    /**
     * Calls {@code page} with the ids events of each page of people may carry (their lead ids and
     * every visitor id they were seen under); no id is on two pages. Nothing is called when the
     * campaign brought nobody.
     */
    public void forEachPage(String campaign, Page page) throws IOException {
        Query first = Query.of(q -> q.term(t -> t.field("firstTouch.campaign").value(campaign)));
        visitors.forEachPage(first, Set.of(), people -> page.accept(people.ids()));
    }
}
