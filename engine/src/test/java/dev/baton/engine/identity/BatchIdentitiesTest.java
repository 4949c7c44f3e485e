package dev.baton.engine.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which lead an event belongs to, and which leads fold into it, from the mappings and profiles stored so far. */
class BatchIdentitiesTest {

    @Test
    void identifyingAVisitorKeepsItsLeadSoItsJourneysAndEventsStayOneStream() {
        Store store = new Store().visitor("phone-1");

        var resolution = store.resolve(new PersonIds("phone-1", null, "ann@example.com", null, null));

        assertThat(resolution.leadId()).isEqualTo("phone-1");
        assertThat(resolution.mergeFrom()).isEmpty();
        assertThat(store.keys).containsEntry("email:ann@example.com", "phone-1").containsEntry("anon:phone-1", "phone-1");
    }

    @Test
    void aPersonSeenWithoutADeviceGetsAnOpaqueIdThatIsTheSameOnEveryReplay() {
        var first = new Store().resolve(new PersonIds(null, "crm-42", null, null, null));
        var replay = new Store().resolve(new PersonIds(null, "crm-42", null, null, null));

        assertThat(first.leadId()).startsWith("ld-").doesNotContain("crm-42").isEqualTo(replay.leadId());
    }

    @Test
    void twoDevicesOfOnePersonEndInTheSameLeadWhicheverIdentifiesFirst() {
        PersonIds phoneLogin = new PersonIds("phone-7", "user-7", "eve@example.com", null, null);
        PersonIds laptopForm = new PersonIds("laptop-7", null, "eve@example.com", null, null);

        Store phoneFirst = new Store().visitor("phone-7").visitor("laptop-7");
        phoneFirst.resolve(phoneLogin);
        phoneFirst.resolve(laptopForm);
        Store laptopFirst = new Store().visitor("phone-7").visitor("laptop-7");
        laptopFirst.resolve(laptopForm);
        laptopFirst.resolve(phoneLogin);

        for (Store store : List.of(phoneFirst, laptopFirst)) {
            assertThat(store.liveLeads()).as("one lead, the device first seen; no visitor left beside it").containsExactly("phone-7");
            for (String key : List.of("user:user-7", "email:eve@example.com", "anon:phone-7", "anon:laptop-7")) {
                assertThat(store.leadOf(key)).as(key).isEqualTo("phone-7");
            }
        }
    }

    @Test
    void strongIdsThatMapToTwoLeadsFoldThemIntoOne() {
        // A batch retried after half its identity writes landed while another partition took the email.
        Store store = new Store().person("ld-aaa", "user:u-1").person("laptop-3", "email:kim@example.com", "anon:laptop-3");

        var resolution = store.resolve(new PersonIds("phone-3", "u-1", "kim@example.com", null, null));

        assertThat(resolution.leadId()).as("the lead first seen lives on").isEqualTo("ld-aaa");
        assertThat(resolution.mergeFrom()).as("the device, unseen before, gets a tombstone").containsExactlyInAnyOrder("laptop-3", "phone-3");
        assertThat(store.leadOf("email:kim@example.com")).isEqualTo("ld-aaa");
        assertThat(store.leadOf("anon:phone-3")).isEqualTo("ld-aaa");
    }

    @Test
    void anotherPersonOnASharedComputerGetsALeadOfTheirOwn() {
        Store store = new Store().person("pc-1", "email:ann@example.com", "anon:pc-1");

        var resolution = store.resolve(new PersonIds("pc-1", null, "bob@example.com", null, null));

        assertThat(resolution.leadId()).isEqualTo(LeadIds.forPerson("email:bob@example.com"));
        assertThat(resolution.mergeFrom()).as("Ann is not merged into Bob").isEmpty();
        assertThat(store.keys).containsEntry("anon:pc-1", resolution.leadId()).containsEntry("email:ann@example.com", "pc-1");
    }

    @Test
    void aliasFoldsThePreviousIdsLeadEvenWhenItWasIdentified() {
        Store store = new Store().person("ld-old", "user:crm-1");

        var resolution = store.resolve(new PersonIds(null, "app-1", null, null, "crm-1"), true);

        assertThat(resolution.leadId()).isEqualTo("ld-old");
        assertThat(store.keys).containsEntry("user:app-1", "ld-old");
    }

    @Test
    void anonymousEventOfAKnownDeviceBelongsToTheDevicesLead() {
        Store store = new Store().person("ld-bob", "email:bob@example.com", "anon:laptop-2");

        var resolution = store.resolve(new PersonIds("laptop-2", null, null, null, null));

        assertThat(resolution.leadId()).isEqualTo("ld-bob");
        assertThat(resolution.mergeFrom()).isEmpty();
    }

    @Test
    void anEventOfAFoldedLeadsDeviceFindsTheLeadItWentTo() {
        Store store = new Store().person("ld-b", "email:b@example.com").person("ld-a", "email:a@example.com");
        store.profiles.get("ld-b").mergedInto = "ld-a";
        store.keys.put("anon:tablet", "ld-b");

        assertThat(store.resolve(new PersonIds("tablet", null, null, null, null)).leadId()).isEqualTo("ld-a");
    }

    @Test
    void aTombstoneWhoseContentItsLeadNeverTookInIsTakenInAndItsKeysMoveOnlyAfterwards() {
        // A batch wrote ld-b's tombstone, then lost its write of ld-a: ld-a does not hold ld-b yet.
        Store store = new Store().person("ld-a", "email:a@example.com").person("ld-b", "user:b");
        store.profiles.get("ld-b").mergedInto = "ld-a";

        var retried = store.resolve(new PersonIds(null, "b", "a@example.com", null, null));

        assertThat(retried.leadId()).isEqualTo("ld-a");
        assertThat(retried.mergeFrom()).as("the pipeline takes the tombstone's content in").containsExactly("ld-b");
        assertThat(store.keys).as("the key keeps the tombstone in view until then").containsEntry("user:b", "ld-b");

        store.resolve(new PersonIds(null, "b", null, null, null));
        assertThat(store.keys).as("taken in: the key moves").containsEntry("user:b", "ld-a");
    }

    @Test
    void aVisitorsTombstoneIsTakenInOnRetryThoughTheFoldAlreadyMappedItsDeviceToTheLead() {
        // A batch folded visitor laptop-3 into ld-a, wrote the tombstone and the device's first
        // mapping (straight to ld-a: a visitor's device had none), then lost its write of ld-a.
        Store store = new Store().person("ld-a", "email:a@example.com").visitor("laptop-3");
        store.profiles.get("laptop-3").mergedInto = "ld-a";
        store.keys.put("anon:laptop-3", "ld-a");

        var retried = store.resolve(new PersonIds("laptop-3", null, "a@example.com", null, null));

        assertThat(retried.leadId()).isEqualTo("ld-a");
        assertThat(retried.mergeFrom()).as("the visitor's events wait in its tombstone").containsExactly("laptop-3");
        assertThat(store.resolve(new PersonIds("laptop-3", null, null, null, null)).mergeFrom())
                .as("taken in once").isEmpty();
    }

    @Test
    void aLeadFoldedInTwoHopsWhoseFirstFoldWasLostIsTakenInAfterTheNearerOne() {
        // ld-b was folded into ld-a (ld-a's write of it lost), then ld-a into ld-c (not taken in yet either).
        Store store = new Store().person("ld-c", "email:c@example.com").person("ld-a", "user:a").person("ld-b", "user:b");
        store.profiles.get("ld-b").mergedInto = "ld-a";
        store.profiles.get("ld-a").mergedInto = "ld-c";

        var resolution = store.resolve(new PersonIds(null, "b", null, null, null));

        assertThat(resolution.leadId()).isEqualTo("ld-c");
        assertThat(resolution.mergeFrom()).as("nearest the lead first").containsExactly("ld-a", "ld-b");
        assertThat(resolution.earlierLeads()).containsExactlyInAnyOrder("ld-a", "ld-b");
    }

    @Test
    void anEventOfAFoldedVisitorsDeviceNamesTheVisitorAsALeadThatMayHaveAppliedItAlready() {
        Store store = new Store().person("ld-a", "email:a@example.com").visitor("laptop-6");
        store.profiles.get("laptop-6").mergedInto = "ld-a";
        store.profiles.get("ld-a").absorbed.add("laptop-6");
        store.keys.put("anon:laptop-6", "ld-a");

        var resolution = store.resolve(new PersonIds("laptop-6", null, null, null, null));

        assertThat(resolution.mergeFrom()).as("already taken in").isEmpty();
        assertThat(resolution.earlierLeads()).containsExactly("laptop-6");
        assertThat(store.resolve(new PersonIds("phone-6", null, "a@example.com", null, null)).earlierLeads())
                .as("another device of the person never went through the visitor").isEmpty();
    }

    @Test
    void aKeyMovedOffATombstoneRemembersItSoAnInterruptedBatchIsNotAppliedTwice() {
        // ld-b was folded into ld-a and taken in; user:b still names ld-b until a batch moves it.
        Store store = new Store().person("ld-a", "email:a@example.com").person("ld-b", "user:b");
        store.profiles.get("ld-b").mergedInto = "ld-a";
        store.profiles.get("ld-a").absorbed.add("ld-b");
        BatchIdentities moving = new BatchIdentities(store.keys, store);

        moving.resolve(new PersonIds(null, "b", null, null, null), false);

        assertThat(moving.remapped()).containsEntry("user:b", "ld-a");
        assertThat(moving.movedFrom()).containsEntry("user:b", "ld-b");
        BatchIdentities later = new BatchIdentities(Map.of("user:b", "ld-a"), Map.of("user:b", "ld-b"), store);
        assertThat(later.resolve(new PersonIds(null, "b", null, null, null), false).earlierLeads()).containsExactly("ld-b");
    }

    @Test
    void anAnonymousEventOfAFoldedVisitorTakesItsTombstoneInWhenItsLeadNeverDid() {
        Store store = new Store().person("ld-a", "email:a@example.com").visitor("laptop-4");
        store.profiles.get("laptop-4").mergedInto = "ld-a";
        store.keys.put("anon:laptop-4", "ld-a");

        var resolution = store.resolve(new PersonIds("laptop-4", null, null, null, null));

        assertThat(resolution.leadId()).isEqualTo("ld-a");
        assertThat(resolution.mergeFrom()).containsExactly("laptop-4");
    }

    @Test
    void aLeadWhoseProfileIsNotWrittenYetIsFoldedAllTheSameSoTheNodeWritingItMustRedo() {
        // Another node mapped the email to its new lead and has not written that lead's profile yet.
        Store store = new Store().visitor("laptop-5");
        store.keys.put("email:joe@example.com", "phone-5");

        var resolution = store.resolve(new PersonIds("laptop-5", null, "joe@example.com", null, null));

        assertThat(resolution.leadId()).isEqualTo("laptop-5");
        assertThat(resolution.mergeFrom()).containsExactly("phone-5");
    }

    @Test
    void aVisitorFirstSeenEarlierInTheSameBatchIsFoldedWhenItsEmailBelongsToAnotherLead() {
        Map<String, String> stored = Map.of("email:ann@example.com", "ld-0ann");
        BatchIdentities batch = new BatchIdentities(stored, new Store().person("ld-0ann", "email:ann@example.com"));

        batch.resolve(new PersonIds("tablet-9", null, null, null, null), false);
        var identify = batch.resolve(new PersonIds("tablet-9", null, "ann@example.com", null, null), false);

        assertThat(identify.leadId()).isEqualTo("ld-0ann");
        assertThat(identify.mergeFrom()).as("the page view's visitor lead, made earlier in this batch").containsExactly("tablet-9");
    }

    @Test
    void landingPageViewReportingAShareClickJoinsThePagesVisitorToTheClicks() {
        Store store = new Store().visitor("baton-1").visitor("page-1");

        var resolution = store.resolve(new PersonIds("page-1", null, null, null, null).withClick("baton-1", "click-1"));

        assertThat(resolution.leadId()).isEqualTo("baton-1");
        assertThat(resolution.mergeFrom()).containsExactly("page-1");
        assertThat(store.keys).containsEntry("click:click-1", "baton-1").containsEntry("anon:page-1", "baton-1");
    }

    @Test
    void aClickIdReplayedFromAnotherBrowserJoinsNobody() {
        Store store = new Store().visitor("baton-2").visitor("page-2").visitor("stranger");
        store.resolve(new PersonIds("page-2", null, null, null, null).withClick("baton-2", "click-2"));

        var replay = store.resolve(new PersonIds("stranger", null, null, null, null).withClick("baton-2", "click-2"));

        assertThat(replay.leadId()).isEqualTo("stranger");
        assertThat(replay.mergeFrom()).isEmpty();
        assertThat(store.keys).containsEntry("anon:baton-2", "baton-2").doesNotContainEntry("anon:stranger", "baton-2");
    }

    @Test
    void aClickWhoseVisitorIsAlreadySomeoneElseJoinsNobody() {
        Store store = new Store().person("ld-ann", "email:ann@example.com", "anon:baton-3").visitor("page-3");

        var resolution = store.resolve(new PersonIds("page-3", null, null, null, null).withClick("baton-3", "click-3"));

        assertThat(resolution.leadId()).isEqualTo("page-3");
        assertThat(resolution.mergeFrom()).isEmpty();
    }

    /** The identities index and the profiles, as successive batches leave them. */
    private static final class Store implements BatchIdentities.Leads {
        final Map<String, String> keys = new HashMap<>();
        final Map<String, Profile> profiles = new HashMap<>();

        static final class Profile {
            final Set<String> keys = new LinkedHashSet<>();
            final Set<String> absorbed = new LinkedHashSet<>();
            final java.time.Instant firstSeen;
            boolean identified;
            String mergedInto;

            Profile(java.time.Instant firstSeen) {
                this.firstSeen = firstSeen;
            }
        }

        private long ticks;

        /** Profiles are stored in the order the story makes them: the first one made is the oldest. */
        private Profile newProfile() {
            return new Profile(java.time.Instant.EPOCH.plusSeconds(++ticks));
        }

        /** Where a key leads, through tombstones. */
        String leadOf(String key) {
            String lead = keys.get(key);
            while (lead != null && profiles.containsKey(lead) && profiles.get(lead).mergedInto != null) {
                lead = profiles.get(lead).mergedInto;
            }
            return lead;
        }

        Store visitor(String anonymousId) {
            Profile profile = newProfile();
            profile.keys.add("anon:" + anonymousId);
            profiles.put(anonymousId, profile);
            return this;
        }

        Store person(String leadId, String... ids) {
            Profile profile = newProfile();
            profile.identified = true;
            for (String key : ids) {
                profile.keys.add(key);
                keys.put(key, leadId);
            }
            profiles.put(leadId, profile);
            return this;
        }

        BatchIdentities.Resolution resolve(PersonIds ids) {
            return resolve(ids, false);
        }

        /** One event in a batch of its own, its writes applied as the pipeline applies them. */
        BatchIdentities.Resolution resolve(PersonIds ids, boolean alias) {
            BatchIdentities batch = new BatchIdentities(keys, this);
            var resolution = batch.resolve(ids, alias);
            keys.putAll(batch.created());
            keys.putAll(batch.remapped());
            Profile lead = profiles.computeIfAbsent(resolution.leadId(), id -> newProfile());
            for (String source : resolution.mergeFrom()) {
                Profile folded = profiles.computeIfAbsent(source, id -> newProfile());
                if (folded.mergedInto == null || !lead.absorbed.contains(source)) {
                    folded.mergedInto = resolution.leadId();
                    lead.keys.addAll(folded.keys);
                    lead.identified |= folded.identified;
                    lead.absorbed.add(source);
                    lead.absorbed.addAll(folded.absorbed);
                }
            }
            lead.identified |= !ids.strongKeys().isEmpty();
            lead.keys.addAll(ids.allKeys());
            return resolution;
        }

        List<String> liveLeads() {
            List<String> live = new ArrayList<>();
            profiles.forEach((id, profile) -> {
                if (profile.mergedInto == null) {
                    live.add(id);
                }
            });
            return live;
        }

        @Override
        public boolean exists(String leadId) {
            return profiles.containsKey(leadId);
        }

        @Override
        public boolean isAnonymous(String leadId) {
            return !profiles.containsKey(leadId) || !profiles.get(leadId).identified;
        }

        @Override
        public String mergedInto(String leadId) {
            return profiles.containsKey(leadId) ? profiles.get(leadId).mergedInto : null;
        }

        @Override
        public java.time.Instant firstSeen(String leadId) {
            return profiles.containsKey(leadId) ? profiles.get(leadId).firstSeen : null;
        }

        @Override
        public boolean absorbed(String leadId, String other) {
            return profiles.containsKey(leadId) && profiles.get(leadId).absorbed.contains(other);
        }
    }
}
