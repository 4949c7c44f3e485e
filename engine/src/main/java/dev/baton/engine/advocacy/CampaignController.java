package dev.baton.engine.advocacy;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.RepositoryService;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Share campaigns: create, list, update, archive. */
@RestController
@RequestMapping("/api/campaigns")
@Tag(name = "Advocacy")
class CampaignController {
    static final Set<String> KINDS = Set.of("landing-page", "poster", "article", "webinar", "live-stream", "form");
    private final AdvocacyStore store;
    private final RepositoryService repository;
    private final Clock clock;

    CampaignController(AdvocacyStore store, RepositoryService repository, Clock clock) {
        this.store = store;
        this.repository = repository;
        this.clock = clock;
    }

    /** @param journey the journey (process key) new leads of this campaign enter; optional */
    record CampaignRequest(String id, @NotBlank(message = "a campaign needs a name") String name, Instant startsAt,
                           Instant endsAt, List<@NotBlank(message = "a team id") String> teams, String journey,
                           @NotEmpty(message = "a campaign needs at least one content item to share")
                           List<Campaign.@NotNull(message = "a content item, not null") @Valid Content> contents) {
    }

    @Operation(summary = "Create a campaign with its content items and suggested share texts per channel")
    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    Campaign create(@Valid @RequestBody CampaignRequest request) {
        String id = request.id() == null || request.id().isBlank() ? slug(request.name()) : request.id().strip();
        if (store.campaign(id) != null) {
            throw new InvalidAdvocacyRequestException("id", "a campaign '" + id + "' exists; PUT /api/campaigns/" + id
                    + " changes it");
        }
        Campaign campaign = validated(id, request, clock.instant());
        store.putCampaign(campaign);
        return campaign;
    }

    @GetMapping
    List<Campaign> list(@RequestParam(defaultValue = "false") boolean includeArchived) {
        return store.campaigns(includeArchived);
    }

    @GetMapping("/{id}")
    Campaign get(@PathVariable String id) {
        return existing(id);
    }

    @Operation(summary = "Replace a campaign's settings and content (its share links keep working)")
    @PutMapping("/{id}")
    Campaign update(@PathVariable String id, @Valid @RequestBody CampaignRequest request) {
        Campaign before = existing(id);
        Campaign campaign = validated(id, request, before.createdAt());
        store.putCampaign(campaign);
        return campaign;
    }

    @Operation(summary = "Archive a campaign: no new share links; existing links still lead to the content")
    @PostMapping("/{id}/archive")
    Campaign archive(@PathVariable String id) {
        Campaign c = existing(id);
        Campaign archived = new Campaign(c.id(), c.name(), "archived", c.startsAt(), c.endsAt(), c.teams(), c.journey(),
                c.contents(), c.createdAt());
        store.putCampaign(archived);
        return archived;
    }

    private Campaign existing(String id) {
        Campaign campaign = store.campaign(id);
        if (campaign == null) {
            throw new AdvocacyNotFoundException("no campaign '" + id + "'");
        }
        return campaign;
    }

    /** The campaign a request its annotations accepted makes, once the checks across fields and items hold. */
    private Campaign validated(String id, CampaignRequest request, Instant createdAt) {
        if (request.startsAt() != null && request.endsAt() != null && !request.endsAt().isAfter(request.startsAt())) {
            throw new InvalidAdvocacyRequestException("endsAt", "endsAt must be after startsAt");
        }
        List<Campaign.Content> contents = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < request.contents().size(); i++) {
            Campaign.Content c = request.contents().get(i);
            String where = "contents[" + i + "]";
            String contentId = c.id() == null || c.id().isBlank() ? slug(c.title() == null ? "content-" + (i + 1) : c.title()) : c.id();
            if (!ids.add(contentId)) {
                throw new InvalidAdvocacyRequestException(where + ".id", "content id '" + contentId + "' is used twice");
            }
            String kind = c.kind() == null ? "landing-page" : c.kind().strip().toLowerCase(Locale.ROOT);
            if (!KINDS.contains(kind)) {
                throw new InvalidAdvocacyRequestException(where + ".kind", "kind '" + c.kind() + "' is not one of " + KINDS);
            }
            contents.add(new Campaign.Content(contentId, kind, c.title(), c.url().strip(),
                    c.shareTexts() == null ? Map.of() : c.shareTexts(), c.tracked()));
        }
        if (request.journey() != null && !request.journey().isBlank()
                && repository.createProcessDefinitionQuery().processDefinitionKey(request.journey()).count() == 0) {
            throw new InvalidAdvocacyRequestException("journey", "no journey '" + request.journey() + "' is deployed");
        }
        return new Campaign(id, request.name().strip(), "active", request.startsAt(), request.endsAt(),
                request.teams() == null ? List.of() : List.copyOf(request.teams()), blankToNull(request.journey()),
                contents, createdAt);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    static String slug(String text) {
        String slug = text == null ? "" : text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        if (slug.isEmpty()) {
            throw new InvalidAdvocacyRequestException("name", "a campaign needs a name (letters or digits), or an id");
        }
        return slug.length() > 60 ? slug.substring(0, 60) : slug;
    }
}
