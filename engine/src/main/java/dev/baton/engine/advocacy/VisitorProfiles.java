package dev.baton.engine.advocacy;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The profiles behind visitor ids: who the visitors shares brought became, one profile per person
 * whatever devices and landing pages it was seen on. Advocacy owns who brought a visitor; the
 * profiles (tier, tags, how much the person did) are kept by the leads feature, which implements
 * this (it depends on advocacy, not the other way round).
 */
public interface VisitorProfiles {

    /** The live profiles holding any of these visitor ids (folded ones are not), each once. */
    List<Profile> of(Collection<String> visitorIds);

    /**
     * @param visitorIds every visitor id the person was seen under, its own id included
     * @param formerIds  ids of leads folded into this one (events sent under them keep them)
     * @param events     what the person did: events they sent (Baton's own sends are not counted)
     */
    record Profile(String id, Set<String> visitorIds, Set<String> formerIds, String tier, Set<String> tags, long events) {
    }
}
