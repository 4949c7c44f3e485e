package dev.baton.engine.identity;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decides, event by event within one batch, which lead each event belongs to, and records the
 * identity mappings that decision creates. Rules:
 * <ul>
 *   <li>an event with a strong id (user, email, phone) belongs to the lead the first known one
 *       maps to, or to a new lead named after the strong id; every unmapped id joins that lead;</li>
 *   <li>its device ({@code anon:…}) is remapped to that lead; the device's earlier anonymous lead
 *       is merged in (when it is anonymous only; a shared computer's other person is not);</li>
 *   <li>an {@code alias} merges the lead of {@code previousId} into the lead of {@code userId};</li>
 *   <li>an anonymous event belongs to its device's lead, or to a visitor lead named after the device.</li>
 * </ul>
 */
public final class BatchIdentities {
    private final Map<String, String> known;
    private final Map<String, String> created = new LinkedHashMap<>();
    private final Map<String, String> remapped = new LinkedHashMap<>();

    public BatchIdentities(Map<String, String> stored) {
        this.known = new LinkedHashMap<>(stored);
    }

    /**
     * @param leadId     the lead the event belongs to
     * @param mergeFrom  a lead to fold into it first, or null
     * @param explicit   the merge was asked for (alias), not inferred from a device
     */
    public record Resolution(String leadId, String mergeFrom, boolean explicit) {
    }

    public Resolution resolve(PersonIds ids, boolean alias) {
        if (alias && ids.previousId() != null && ids.userId() != null) {
            String target = firstKnown(ids).orElse(ids.userId());
            mapIfNew("user:" + ids.userId(), target);
            String source = known.getOrDefault("user:" + ids.previousId(),
                    known.getOrDefault("anon:" + ids.previousId(), ids.previousId()));
            remap("anon:" + ids.previousId(), target);
            if (known.containsKey("user:" + ids.previousId())) {
                remap("user:" + ids.previousId(), target);
            }
            if (source.equals(target)) {
                // Already mapped (a retried batch whose identity writes partly landed): the visitor
                // lead named after previousId may still be unmerged; merging is a no-op if it is not.
                source = ids.previousId();
            }
            return new Resolution(target, source.equals(target) ? null : source, true);
        }
        if (!ids.strongKeys().isEmpty()) {
            String lead = firstKnown(ids).orElse(ids.newLeadId());
            ids.strongKeys().forEach(key -> mapIfNew(key, lead));
            String mergeFrom = null;
            if (ids.anonymousId() != null) {
                String deviceLead = known.getOrDefault(ids.anonymousKey(), ids.anonymousId());
                if (!deviceLead.equals(lead)) {
                    remap(ids.anonymousKey(), lead);
                    mergeFrom = deviceLead;
                } else if (!ids.anonymousId().equals(lead)) {
                    // The device already maps here, e.g. a retried batch whose identity writes partly
                    // landed before a conflict: its visitor lead may still be unmerged. Merging an
                    // absent or already merged lead is a no-op, so this is safe to repeat.
                    mergeFrom = ids.anonymousId();
                }
            }
            return new Resolution(lead, mergeFrom, false);
        }
        String visitor = ids.anonymousId() != null ? ids.anonymousId() : ids.userId();
        return new Resolution(known.getOrDefault(ids.anonymousKey() == null ? "" : ids.anonymousKey(), visitor), null, false);
    }

    private java.util.Optional<String> firstKnown(PersonIds ids) {
        return ids.strongKeys().stream().filter(known::containsKey).map(known::get).findFirst();
    }

    private void mapIfNew(String key, String lead) {
        if (!known.containsKey(key)) {
            known.put(key, lead);
            created.put(key, lead);
        }
    }

    private void remap(String key, String lead) {
        if (lead.equals(known.get(key))) {
            return;
        }
        boolean stored = known.containsKey(key) && !created.containsKey(key);
        known.put(key, lead);
        if (stored) {
            remapped.put(key, lead);
        } else {
            created.put(key, lead);
        }
    }

    /** Mappings to create (no one had them when the batch was read). */
    public Map<String, String> created() {
        return created;
    }

    /** Existing mappings this batch moved to another lead. */
    public Map<String, String> remapped() {
        return remapped;
    }
}
