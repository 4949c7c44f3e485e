package dev.baton.engine.security;

import static org.mockito.Mockito.mock;

import org.camunda.bpm.engine.IdentityService;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Baton's own security rules in a {@code @WebMvcTest} slice: the filter chains that say who may
 * call what, with logins checked nowhere (the slice has no Camunda); tests log in with
 * {@code @WithMockUser(roles = ...)}.
 */
@TestConfiguration
@Import(SecurityConfiguration.class)
public class WebSliceSecurity {
    @Bean
    CamundaIdentityAuthenticationProvider users() {
        return new CamundaIdentityAuthenticationProvider(mock(IdentityService.class));
    }
}
