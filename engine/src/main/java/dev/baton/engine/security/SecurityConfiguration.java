package dev.baton.engine.security;

import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.camunda.bpm.engine.rest.security.auth.impl.HttpBasicAuthenticationProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may call what. Admin APIs and the console need an admin login (HTTP Basic, checked
 * against Camunda's users). {@code /v1/*} is authenticated by write key in the tracking
 * controller (Segment SDKs send it as the Basic user name, or in the body). Camunda's webapps
 * keep their own login page, and {@code /engine-rest} uses Camunda's own Basic filter, which is
 * what Camunda Modeler's deploy speaks and what sets the user for Camunda's audit log.
 */
@Configuration
class SecurityConfiguration {

    /**
     * Paths that authenticate on their own, or are public: the Basic header there carries a write
     * key ({@code /v1}) or is Camunda's to check, so Spring Security must not interpret it; form
     * submits ({@code /f}), email links ({@code /e}, signed tokens), share links ({@code /s}, signed codes), SMS provider callbacks
     * ({@code /sms}, signed by the provider), CRM outcomes ({@code /sales/webhook}, signed) and the tracking snippet come from anonymous
     * visitors' browsers, mail clients and providers.
     */
    @Bean
    @Order(1)
    SecurityFilterChain selfAuthenticatedPaths(HttpSecurity http) throws Exception {
        return http
                .securityMatcher("/v1/**", "/f/**", "/e/**", "/s/**", "/sms/**", "/sales/webhook", "/t.js", "/engine-rest/**", "/camunda/**")
                .csrf(csrf -> csrf.disable())
                // Form pages are made to be framed by the customer's site (they say by which, with a
                // CSP frame-ancestors of their own); everything else here is never framed.
                .headers(headers -> headers.frameOptions(frame -> frame.disable()).addHeaderWriter(
                        new org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter(
                                request -> !request.getRequestURI().startsWith(request.getContextPath() + "/f/"),
                                new org.springframework.security.web.header.writers.frameoptions.XFrameOptionsHeaderWriter(
                                        org.springframework.security.web.header.writers.frameoptions.XFrameOptionsHeaderWriter.XFrameOptionsMode.DENY))))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain adminSecurity(HttpSecurity http, CamundaIdentityAuthenticationProvider users) throws Exception {
        return http
                .authenticationProvider(users)
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html").permitAll()
                        .requestMatchers("/error").permitAll()
                        // The console's files (no data in them): it logs in with the same users and
                        // calls the admin API, which needs the login like any other client.
                        .requestMatchers("/console", "/console/", "/console/**").permitAll()
                        // An employee's own view; admins may look too.
                        .requestMatchers("/api/me", "/api/me/**").hasAnyRole("EMPLOYEE", "ADMIN")
                        .anyRequest().hasRole("ADMIN"))
                .httpBasic(Customizer.withDefaults())
                .build();
    }

    @Bean
    FilterRegistrationBean<ProcessEngineAuthenticationFilter> engineRestAuthentication() {
        var registration = new FilterRegistrationBean<>(new ProcessEngineAuthenticationFilter());
        registration.setName("camunda-rest-auth");
        registration.addUrlPatterns("/engine-rest/*");
        registration.addInitParameter("authentication-provider", HttpBasicAuthenticationProvider.class.getName());
        return registration;
    }
}
