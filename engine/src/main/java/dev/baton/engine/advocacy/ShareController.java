package dev.baton.engine.advocacy;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Share links for employees and re-shares, through the admin API (the console and integrations). */
@RestController
@RequestMapping("/api/shares")
@Tag(name = "Advocacy")
class ShareController {
    static final String SHARER_COOKIE = "baton_sharer";
    private final Shares shares;
    private final AdvocacyStore store;
    private final AdvocacyStats stats;

    ShareController(Shares shares, AdvocacyStore store, AdvocacyStats stats) {
        this.stats = stats;
        this.shares = shares;
        this.store = store;
    }

    /**
     * Either {@code employee} (an employee's own link) or {@code parentShare} with {@code visitor}
     * (a re-share by someone the chain brought).
     */
    record ShareRequest(String campaign, String content, String employee, String parentShare, String visitor,
                        String sharerName, String channel) {
    }

    @Operation(summary = "Make a share link: a short /s/{code} link, its QR code and suggested texts",
            description = "The response sets a signed cookie naming the sharer, so their own clicks in this browser "
                    + "are recognised and not counted as reach.")
    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    Shares.ShareLink create(@RequestBody ShareRequest request, HttpServletResponse response) {
        boolean byEmployee = request.employee() != null && !request.employee().isBlank();
        boolean reshare = request.parentShare() != null && !request.parentShare().isBlank();
        if (byEmployee == reshare) {
            throw new InvalidAdvocacyRequestException("employee", "give either employee (an employee's link) or "
                    + "parentShare with visitor (a re-share)");
        }
        Share share = byEmployee
                ? shares.forEmployee(request.campaign(), request.content(), request.employee().strip(), request.channel())
                : shares.reshare(request.parentShare().strip(), request.visitor(), request.sharerName(), request.channel());
        response.addHeader(HttpHeaders.SET_COOKIE, shares.sharerCookie(share));
        return shares.link(share);
    }

    @Operation(summary = "The share links someone made (an employee id or a visitor id)")
    @GetMapping
    List<Shares.ShareLink> list(@RequestParam String sharer) {
        return store.sharesBy(sharer).stream().map(shares::link).toList();
    }

    @Operation(summary = "A link's reach: clicks and unique visitors through it and its re-shares, and the deepest re-share")
    @GetMapping("/{code}/reach")
    AdvocacyStats.ShareReach reach(@PathVariable String code) {
        get(code);
        return stats.share(code);
    }

    @GetMapping("/{code}")
    Share get(@PathVariable String code) {
        Share share = shares.genuine(code);
        if (share == null) {
            throw new AdvocacyNotFoundException("no share link '" + code + "'");
        }
        return share;
    }
}
