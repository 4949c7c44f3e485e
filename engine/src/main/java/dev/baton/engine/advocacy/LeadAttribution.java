package dev.baton.engine.advocacy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.SearchUnavailableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Who brought a lead: the first- and last-touch share over every visitor id the lead had, the
 * chain of the first touch with names, and it in words ("brought by Alice via Bob's re-share").
 */
@Component
public class LeadAttribution {
    private final ElasticsearchClient client;
    private final Indices indices;
    private final AdvocacyStore store;

    LeadAttribution(ElasticsearchClient client, Indices indices, AdvocacyStore store) {
        this.client = client;
        this.indices = indices;
        this.store = store;
    }

    /** One link of the chain that brought the lead, root employee first. */
    public record ChainLink(String share, String sharer, String name, String kind, int depth) {
    }

    public record View(Attribution.Touch firstTouch, Attribution.Touch lastTouch, String broughtBy, List<ChainLink> chain) {
    }

    /** The attribution of a lead known by these ids, or null when no share brought it. */
    public View of(Collection<String> ids) {
        if (ids.isEmpty()) {
            return null;
        }
        List<Attribution> found = new ArrayList<>();
        try {
            indices.ensureInstalled();
            var response = client.mget(m -> m.index(indices.attribution()).ids(List.copyOf(ids)), Attribution.class);
            for (var doc : response.docs()) {
                if (doc.isResult() && doc.result().found() && doc.result().source() != null) {
                    found.add(doc.result().source());
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new SearchUnavailableException("reading attribution failed: " + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            return null;
        }
        Attribution.Touch first = found.stream().map(Attribution::firstTouch).min(Comparator.comparing(Attribution.Touch::at))
                .orElseThrow();
        Attribution.Touch last = found.stream().map(Attribution::lastTouch).max(Comparator.comparing(Attribution.Touch::at))
                .orElseThrow();
        List<ChainLink> chain = new ArrayList<>();
        for (String code : first.chain()) {
            Share share = store.share(code);
            if (share != null) {
                chain.add(new ChainLink(code, share.sharer(), nameOf(share), share.sharerKind(), share.depth()));
            }
        }
        return new View(first, last, words(chain), chain);
    }

    private String nameOf(Share share) {
        if (share.sharerName() != null) {
            return share.sharerName();
        }
        if ("employee".equals(share.sharerKind())) {
            Employee employee = store.employee(share.sharer());
            return employee == null ? share.sharer() : employee.name();
        }
        return "a visitor";
    }

    private static String words(List<ChainLink> chain) {
        if (chain.isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder("brought by ").append(chain.get(0).name());
        List<String> via = chain.subList(1, chain.size()).stream().map(ChainLink::name).toList();
        if (!via.isEmpty()) {
            text.append(" via ").append(String.join("'s and ", via)).append(via.size() == 1 ? "'s re-share" : "'s re-shares");
        }
        return text.toString();
    }
}
