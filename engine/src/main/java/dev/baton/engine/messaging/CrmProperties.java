package dev.baton.engine.messaging;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code baton.crm.*}: where sales tasks are created ({@code none}, {@code salesforce},
 * {@code hubspot} or {@code webhook}) and how. Credentials come from the environment.
 *
 * @param due          how long the rep has: the task's due date is now plus this
 * @param defaultOwner the CRM owner of tasks when the journey names none
 */
@ConfigurationProperties("baton.crm")
record CrmProperties(String provider, Duration timeout, Duration due, String defaultOwner, Salesforce salesforce,
                            HubSpot hubspot, Webhook webhook) {
    public CrmProperties {
        provider = provider == null || provider.isBlank() ? "none" : provider.strip().toLowerCase();
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
        due = due == null ? Duration.ofHours(1) : due;
        defaultOwner = defaultOwner == null || defaultOwner.isBlank() ? null : defaultOwner;
        salesforce = salesforce == null ? new Salesforce(null, null) : salesforce;
        hubspot = hubspot == null ? new HubSpot(null, null) : hubspot;
        webhook = webhook == null ? new Webhook(null, null) : webhook;
    }

    /** @param instanceUrl e.g. https://acme.my.salesforce.com */
    public record Salesforce(String instanceUrl, String accessToken) {
    }

    public record HubSpot(String baseUrl, String token) {
        public HubSpot {
            baseUrl = baseUrl == null || baseUrl.isBlank() ? "https://api.hubapi.com" : baseUrl;
        }
    }

    /** @param secret a Standard Webhooks secret ({@code whsec_} + base64) */
    public record Webhook(String url, String secret) {
    }
}
