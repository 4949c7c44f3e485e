package dev.baton.engine.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code baton.security.*}: the admin login and the tracking write key. Blank values mean
 * "generate on the first run, print once, keep in Camunda's database".
 */
@ConfigurationProperties("baton.security")
record SecurityProperties(String adminUser, String adminPassword, String writeKey) {
    public SecurityProperties {
        adminUser = adminUser == null || adminUser.isBlank() ? "admin" : adminUser;
    }
}
