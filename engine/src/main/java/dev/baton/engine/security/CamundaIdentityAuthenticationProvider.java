package dev.baton.engine.security;

import java.util.List;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.authorization.Groups;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.stereotype.Component;

/**
 * Checks Baton's logins against Camunda's identity service, so the console, the admin API,
 * Cockpit and {@code /engine-rest} share one set of users. Members of {@code camunda-admin}
 * get the ADMIN role, members of {@code baton-employees} the EMPLOYEE role (their own view only).
 */
@Component
class CamundaIdentityAuthenticationProvider implements AuthenticationProvider {
    private final IdentityService identity;

    CamundaIdentityAuthenticationProvider(IdentityService identity) {
        this.identity = identity;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String user = authentication.getName();
        Object credentials = authentication.getCredentials();
        if (user == null || credentials == null || !identity.checkPassword(user, credentials.toString())) {
            throw new BadCredentialsException("wrong user name or password");
        }
        boolean admin = identity.createUserQuery().userId(user).memberOfGroup(Groups.CAMUNDA_ADMIN).count() > 0;
        boolean employee = identity.createUserQuery().userId(user).memberOfGroup(LoginGroups.EMPLOYEES).count() > 0;
        var roles = new java.util.ArrayList<SimpleGrantedAuthority>(List.of(new SimpleGrantedAuthority("ROLE_USER")));
        if (admin) {
            roles.add(new SimpleGrantedAuthority("ROLE_ADMIN"));
        }
        if (employee) {
            roles.add(new SimpleGrantedAuthority("ROLE_EMPLOYEE"));
        }
        return UsernamePasswordAuthenticationToken.authenticated(user, null, roles);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
