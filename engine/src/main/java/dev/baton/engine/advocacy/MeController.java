package dev.baton.engine.advocacy;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The logged-in employee's own view: their links, reach, leads and points, and one call to make
 * a link. An employee sees only this; the rest of the API stays with admins.
 */
@RestController
@RequestMapping("/api/me")
@Tag(name = "Advocacy")
class MeController {
    private final AdvocacyStats stats;
    private final AdvocacyStore store;
    private final Shares shares;

    MeController(AdvocacyStats stats, AdvocacyStore store, Shares shares) {
        this.stats = stats;
        this.store = store;
        this.shares = shares;
    }

    /** Who is logged in and what they may see (the console shows its pages by it). */
    record Me(String user, boolean admin, boolean employee) {
    }

    record MyShare(String campaign, String content, String channel) {
    }

    @Operation(summary = "Who is logged in: admin (every page) and/or employee (their own view)")
    @GetMapping
    Me me(Authentication user) {
        return new Me(user.getName(), has(user, "ROLE_ADMIN"), has(user, "ROLE_EMPLOYEE"));
    }

    @Operation(summary = "My links, reach, leads and points (the employee logged in)")
    @GetMapping("/advocacy")
    AdvocacyController.EmployeeView advocacy(Principal user, @RequestParam(required = false) String campaign,
                                             @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                                             @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to) {
        return new AdvocacyController.EmployeeView(stats.employee(user.getName(), new AdvocacyStats.Scope(campaign, from, to)),
                store.sharesBy(user.getName()).stream().map(shares::link).toList());
    }

    @Operation(summary = "The active campaigns I may share (those for every team or for mine)")
    @GetMapping("/campaigns")
    List<Campaign> campaigns(Principal user) {
        Employee me = store.employee(user.getName());
        return store.campaigns(false).stream()
                .filter(c -> c.teams() == null || c.teams().isEmpty() || (me != null && c.teams().contains(me.team())))
                .toList();
    }

    @Operation(summary = "Make my share link for a campaign's content (one tap in the console)")
    @PostMapping("/shares")
    @ResponseStatus(HttpStatus.CREATED)
    Shares.ShareLink share(Principal user, @RequestBody MyShare request, jakarta.servlet.http.HttpServletResponse response) {
        Share share = shares.forEmployee(request.campaign(), request.content(), user.getName(), request.channel());
        response.addHeader(HttpHeaders.SET_COOKIE, shares.sharerCookie(share));
        return shares.link(share);
    }

    private static boolean has(Authentication user, String role) {
        return user.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals(role));
    }
}
