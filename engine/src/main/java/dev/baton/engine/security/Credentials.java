package dev.baton.engine.security;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.authorization.Groups;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The admin account and the tracking write key. Both live in Camunda's database, so every engine
 * node sees the same ones; the environment ({@code BATON_ADMIN_PASSWORD}, {@code BATON_WRITE_KEY})
 * wins when set. What is generated on the first run is reported once by {@link StartupReport}.
 */
@Component
public class Credentials {
    static final String WRITE_KEY_PROPERTY = "baton.write-key";
    private static final Logger log = LoggerFactory.getLogger(Credentials.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String adminUser;
    private final String writeKey;
    private final List<String> generated = new ArrayList<>();

    public Credentials(SecurityProperties properties, IdentityService identity, ManagementService management) {
        this.adminUser = properties.adminUser();
        ensureAdmin(properties, identity);
        this.writeKey = resolveWriteKey(properties, management);
    }

    private void ensureAdmin(SecurityProperties properties, IdentityService identity) {
        String configured = blankToNull(properties.adminPassword());
        User user = identity.createUserQuery().userId(adminUser).singleResult();
        if (user == null) {
            String password = configured != null ? configured : generateSecret();
            user = identity.newUser(adminUser);
            user.setFirstName("Baton");
            user.setLastName("Admin");
            user.setPassword(password);
            identity.saveUser(user);
            if (configured == null) {
                remember("admin password (user '" + adminUser + "'): " + password);
            }
            log.info("Created admin user '{}'", adminUser);
        } else if (configured != null && !identity.checkPassword(adminUser, configured)) {
            // The failed check counted as a login attempt (and changed the user's revision): re-read it,
            // and lift the lock-out that attempt started.
            User current = identity.createUserQuery().userId(adminUser).singleResult();
            current.setPassword(configured);
            identity.saveUser(current);
            identity.unlockUser(adminUser);
            log.info("Admin password of '{}' updated from BATON_ADMIN_PASSWORD", adminUser);
        }
        if (identity.createGroupQuery().groupId(Groups.CAMUNDA_ADMIN).singleResult() == null) {
            Group group = identity.newGroup(Groups.CAMUNDA_ADMIN);
            group.setName("Administrators");
            group.setType(Groups.GROUP_TYPE_SYSTEM);
            identity.saveGroup(group);
        }
        if (identity.createUserQuery().userId(adminUser).memberOfGroup(Groups.CAMUNDA_ADMIN).count() == 0) {
            identity.createMembership(adminUser, Groups.CAMUNDA_ADMIN);
        }
    }

    private String resolveWriteKey(SecurityProperties properties, ManagementService management) {
        String configured = blankToNull(properties.writeKey());
        if (configured != null) {
            return configured;
        }
        String stored = management.getProperties().get(WRITE_KEY_PROPERTY);
        if (stored != null) {
            return stored;
        }
        String key = generateSecret();
        management.setProperty(WRITE_KEY_PROPERTY, key);
        remember("tracking write key: " + key);
        return key;
    }

    /**
     * Logged at once, not only in the ready report: a first start that fails later must not
     * swallow a secret that will never be generated again.
     */
    private void remember(String secret) {
        generated.add(secret);
        log.warn("Generated on this first run (shown only now): {}", secret);
    }

    public String adminUser() {
        return adminUser;
    }

    /** Constant-time comparison, so the key cannot be guessed byte by byte from response times. */
    public boolean isWriteKey(String candidate) {
        return candidate != null && MessageDigest.isEqual(
                candidate.getBytes(StandardCharsets.UTF_8), writeKey.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A secret for {@code purpose} derived from the write key (HMAC-SHA256), the same on every node
     * that shares the key, and useless for recovering it.
     */
    public String derivedSecret(String purpose) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(writeKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /** The secret configured for {@code purpose}, or, when none is, one {@linkplain #derivedSecret derived} for it. */
    public String secretOr(String configured, String purpose) {
        return configured == null || configured.isBlank() ? derivedSecret(purpose) : configured;
    }

    /** Secrets generated by this start (empty on later starts). */
    List<String> generatedThisRun() {
        return List.copyOf(generated);
    }

    private static String generateSecret() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
