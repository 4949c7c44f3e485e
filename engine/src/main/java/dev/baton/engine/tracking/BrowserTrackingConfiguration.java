package dev.baton.engine.tracking;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * CORS for the sites a tenant declares ({@code baton.tracking.allowed-origins}): their pages may
 * call the tracking API and submit forms with fetch/XHR. The snippet's beacons (text/plain) need
 * no CORS; plain HTML form posts neither.
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
            registry.addMapping(path).allowedOrigins(origins).allowedMethods("GET", "POST", "OPTIONS")
                    .allowedHeaders("Content-Type", "Authorization").maxAge(3600);
        }
    }
}
