package dev.baton.engine.advocacy;

import dev.baton.engine.security.Credentials;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** Makes share links (an employee's, or a visitor's re-share of one) and answers what they are. */
@Component
class Shares {
    private final AdvocacyStore store;
    private final ShareCodes codes;
    private final dev.baton.connectors.LinkSigner sharerCookies;
    private final String publicUrl;
    private final Clock clock;

    Shares(AdvocacyStore store, Credentials credentials, Clock clock,
           @Value("${baton.advocacy.link-secret:}") String secret,
           @Value("${baton.email.public-url:http://localhost:8080}") String publicUrl) {
        this.store = store;
        String key = credentials.secretOr(secret, "share-links");
        this.codes = new ShareCodes(key);
        this.sharerCookies = new dev.baton.connectors.LinkSigner(key + ":sharer");
        this.publicUrl = publicUrl.replaceAll("/+$", "");
        this.clock = clock;
    }

    /** A share link as its sharer gets it: the short link, its QR code, and texts to post with it. */
    record ShareLink(String code, String url, String qrCode, String campaign, String content, int depth,
                     List<String> chain, java.util.Map<String, String> shareTexts) {
    }

    /** An employee's own link to one content item of a running campaign. */
    Share forEmployee(String campaignId, String contentId, String employeeId, String channel) {
        // Checked before any lookup: Elasticsearch refuses an empty id, which would read as "search unavailable".
        required(employeeId, "employee", "the id of the employee whose link it is");
        required(campaignId, "campaign", "the id of the campaign to share");
        required(contentId, "content", "the id of the campaign's content to share");
        Employee employee = store.employee(employeeId);
        if (employee == null) {
            throw new InvalidAdvocacyRequestException("employee", "no employee '" + employeeId + "'");
        }
        Campaign campaign = shareable(campaignId, contentId);
        if (!campaign.teams().isEmpty() && !campaign.teams().contains(employee.team())) {
            throw new InvalidAdvocacyRequestException("employee", "campaign '" + campaign.id() + "' targets teams "
                    + campaign.teams() + "; " + employee.id() + " is in " + employee.team());
        }
        String code = codes.next();
        Share share = new Share(code, campaign.id(), contentId, employee.id(), "employee", employee.name(), employee.id(),
                employee.team(), null, 1, List.of(code), List.of(employee.id()), channel, clock.instant());
        store.createShare(share);
        return share;
    }

    private static void required(String value, String field, String what) {
        if (value == null || value.isBlank()) {
            throw new InvalidAdvocacyRequestException(field, "missing " + field + ": " + what);
        }
    }

    /** A re-share: a visitor (or anyone the chain brought) passes the link on with their own. */
    Share reshare(String parentCode, String visitor, String name, String channel) {
        Share parent = genuine(parentCode);
        if (parent == null) {
            throw new AdvocacyNotFoundException("no share link '" + parentCode + "'");
        }
        if (visitor == null || visitor.isBlank()) {
            throw new InvalidAdvocacyRequestException("visitor", "a re-share needs the visitor id of who passes it on");
        }
        String code = codes.next();
        List<String> chain = new ArrayList<>(parent.chain());
        chain.add(code);
        List<String> sharers = new ArrayList<>(parent.chainSharers());
        sharers.add(visitor);
        Share share = new Share(code, parent.campaign(), parent.content(), visitor, "visitor",
                name == null || name.isBlank() ? null : name.strip(), parent.rootEmployee(), parent.rootTeam(),
                parent.code(), parent.depth() + 1, chain, sharers, channel, clock.instant());
        store.createShare(share);
        return share;
    }

    /** The share behind a code, or null when the code is forged, altered or unknown. */
    Share genuine(String code) {
        return codes.isGenuine(code) ? store.share(code) : null;
    }

    /** The signed cookie that marks this browser as the sharer's (their own clicks are not reach). */
    String sharerCookie(Share share) {
        return org.springframework.http.ResponseCookie.from(ShareController.SHARER_COOKIE, sharerToken(share.sharer())).path("/")
                .maxAge(java.time.Duration.ofDays(730)).httpOnly(true).sameSite("Lax").build().toString();
    }

    ShareLink link(Share share) {
        Campaign campaign = store.campaign(share.campaign());
        Campaign.Content content = campaign == null ? null : campaign.content(share.content());
        return new ShareLink(share.code(), url(share.code()), url(share.code()) + "/qr.png", share.campaign(),
                share.content(), share.depth(), share.chain(), content == null ? java.util.Map.of() : content.shareTexts());
    }

    String url(String code) {
        return publicUrl + "/s/" + code;
    }

    /** Signs the sharer's id for a cookie, so the sharer's own clicks are recognised as such. */
    String sharerToken(String sharer) {
        return sharerCookies.sign(sharer);
    }

    /** The sharer a cookie names, if it is signed by us. */
    String sharerOf(String token) {
        return sharerCookies.verify(token).orElse(null);
    }

    private Campaign shareable(String campaignId, String contentId) {
        Campaign campaign = store.campaign(campaignId == null ? "" : campaignId);
        if (campaign == null) {
            throw new InvalidAdvocacyRequestException("campaign", "no campaign '" + campaignId + "'");
        }
        Instant now = clock.instant();
        if ("archived".equals(campaign.status()) || (campaign.endsAt() != null && now.isAfter(campaign.endsAt()))) {
            throw new InvalidAdvocacyRequestException("campaign", "campaign '" + campaign.id() + "' has ended");
        }
        if (campaign.startsAt() != null && now.isBefore(campaign.startsAt())) {
            throw new InvalidAdvocacyRequestException("campaign", "campaign '" + campaign.id() + "' starts at " + campaign.startsAt());
        }
        if (campaign.content(contentId == null ? "" : contentId) == null) {
            throw new InvalidAdvocacyRequestException("content", "campaign '" + campaign.id() + "' has no content '" + contentId
                    + "'; it has " + campaign.contents().stream().map(Campaign.Content::id).toList());
        }
        return campaign;
    }
}
