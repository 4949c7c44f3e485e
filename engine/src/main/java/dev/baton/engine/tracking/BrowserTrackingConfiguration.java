package dev.baton.engine.tracking;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * CORS for the sites a tenant declares ({@code baton.tracking.allowed-origins}, origins or patterns
 * such as {@code https://*.acme.com} or {@code http://localhost:[*]}): their pages may call the
 * tracking API and submit forms with fetch/XHR. Once any site is declared, requests from pages of
 * other sites are refused (403), the snippet's beacons too; with none declared, beacons and plain
 * HTML form posts need no CORS.
 */
@Configuration
class BrowserTrackingConfiguration implements WebMvcConfigurer {
    private final TrackingProperties tracking;

    BrowserTrackingConfiguration(TrackingProperties tracking) {
        this.tracking = tracking;
    }

    @Override
    public void addCorsMappings(CorsRegistry registry) {
        if (tracking.allowedOrigins().isEmpty()) {
            return;
        }
        String[] origins = tracking.allowedOrigins().toArray(String[]::new);
        for (String path : new String[] {"/v1/**", "/f/**"}) {
            registry.addMapping(path).allowedOriginPatterns(origins).allowedMethods("GET", "POST", "OPTIONS")
                    .allowedHeaders("Content-Type", "Authorization").maxAge(3600);
        }
    }
}
