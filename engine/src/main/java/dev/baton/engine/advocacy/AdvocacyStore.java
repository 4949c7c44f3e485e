package dev.baton.engine.advocacy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.search.Hit;
import dev.baton.engine.search.Indices;
import dev.baton.engine.search.SearchUnavailableException;
import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.stereotype.Component;

/**
 * Teams, employees, campaigns and share links in Elasticsearch, readable from every node. Share
 * links never change once made, so each node keeps recently used ones in memory; everything else
 * is read from Elasticsearch each time.
 */
@Component
class AdvocacyStore {
    private static final int MAX_LIST = 10_000;
    private final ElasticsearchClient client;
    private final Indices indices;
    private final Map<String, Share> recentShares = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Share> eldest) {
                    return size() > 50_000;
                }
            });

    /** Campaigns as the redirect reads them, at most this old: one lookup per campaign, not per click. */
    private static final long CAMPAIGN_TTL_MILLIS = 30_000;
    private final Map<String, CachedCampaign> campaignsForLinks = new java.util.concurrent.ConcurrentHashMap<>();

    private record CachedCampaign(Campaign campaign, long loadedAt) {
    }

    AdvocacyStore(ElasticsearchClient client, Indices indices) {
        this.client = client;
        this.indices = indices;
    }

    void putTeams(Collection<Team> teams) {
        bulkPut(indices.teams(), teams, Team::id, "teams");
    }

    void putEmployees(Collection<Employee> employees) {
        bulkPut(indices.employees(), employees, Employee::id, "employees");
    }

    List<Team> teams() {
        return list(indices.teams(), Query.of(q -> q.matchAll(m -> m)), "id", Team.class);
    }

    List<Employee> employees(String team) {
        Query query = team == null ? Query.of(q -> q.matchAll(m -> m)) : Query.of(q -> q.term(t -> t.field("team").value(team)));
        return list(indices.employees(), query, "id", Employee.class);
    }

    Employee employee(String id) {
        return get(indices.employees(), id, Employee.class);
    }

    Team team(String id) {
        return get(indices.teams(), id, Team.class);
    }

    void putCampaign(Campaign campaign) {
        bulkPut(indices.campaigns(), List.of(campaign), Campaign::id, "campaign " + campaign.id());
    }

    Campaign campaign(String id) {
        return get(indices.campaigns(), id, Campaign.class);
    }

    /** The campaign as of at most 30 s ago (a change reaches share-link redirects within that), or null. */
    Campaign recentCampaign(String id) {
        long now = System.currentTimeMillis();
        CachedCampaign cached = campaignsForLinks.get(id);
        if (cached != null && now - cached.loadedAt() < CAMPAIGN_TTL_MILLIS) {
            return cached.campaign();
        }
        Campaign campaign = campaign(id);
        if (campaign != null) {
            campaignsForLinks.put(id, new CachedCampaign(campaign, now));
        }
        return campaign;
    }

    List<Campaign> campaigns(boolean includeArchived) {
        Query query = includeArchived ? Query.of(q -> q.matchAll(m -> m))
                : Query.of(q -> q.bool(b -> b.mustNot(n -> n.term(t -> t.field("status").value("archived")))));
        return list(indices.campaigns(), query, "id", Campaign.class);
    }

    /** Stores a new share; a code is never reused (create fails on an existing one). */
    void createShare(Share share) {
        try {
            indices.ensureInstalled();
            client.create(c -> c.index(indices.shares()).id(share.code()).document(share));
            recentShares.put(share.code(), share);
        } catch (IOException | RuntimeException e) {
            throw new SearchUnavailableException("storing share " + share.code() + " failed: " + e.getMessage(), e);
        }
    }

    /** The share with this code, or null. Reads by id are real-time: a share made a moment ago is found. */
    Share share(String code) {
        Share cached = recentShares.get(code);
        if (cached != null) {
            return cached;
        }
        Share stored = get(indices.shares(), code, Share.class);
        if (stored != null) {
            recentShares.put(code, stored);
        }
        return stored;
    }

    List<Share> sharesBy(String sharer) {
        return list(indices.shares(), Query.of(q -> q.term(t -> t.field("sharer").value(sharer))), "createdAt", Share.class);
    }

    private <T> void bulkPut(String index, Collection<T> documents, java.util.function.Function<T, String> id, String what) {
        if (documents.isEmpty()) {
            return;
        }
        try {
            indices.ensureInstalled();
            BulkRequest.Builder bulk = new BulkRequest.Builder().refresh(Refresh.WaitFor);
            for (T document : documents) {
                bulk.operations(o -> o.index(i -> i.index(index).id(id.apply(document)).document(document)));
            }
            var response = client.bulk(bulk.build());
            if (response.errors()) {
                throw new IOException(response.items().stream().filter(i -> i.error() != null)
                        .map(i -> i.id() + ": " + i.error().reason()).findFirst().orElse("bulk failed"));
            }
        } catch (IOException | RuntimeException e) {
            throw new SearchUnavailableException("storing " + what + " failed: " + e.getMessage(), e);
        }
    }

    private <T> T get(String index, String id, Class<T> type) {
        try {
            indices.ensureInstalled();
            var response = client.get(g -> g.index(index).id(id), type);
            return response.found() ? response.source() : null;
        } catch (IOException | RuntimeException e) {
            throw new SearchUnavailableException("reading " + index + "/" + id + " failed: " + e.getMessage(), e);
        }
    }

    private <T> List<T> list(String index, Query query, String sortField, Class<T> type) {
        try {
            indices.ensureInstalled();
            var response = client.search(s -> s.index(index).query(query).size(MAX_LIST)
                    .sort(o -> o.field(f -> f.field(sortField).order(SortOrder.Asc))), type);
            return response.hits().hits().stream().map(Hit::source).filter(Objects::nonNull).toList();
        } catch (IOException | RuntimeException e) {
            throw new SearchUnavailableException("listing " + index + " failed: " + e.getMessage(), e);
        }
    }
}
