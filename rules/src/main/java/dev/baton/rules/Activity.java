package dev.baton.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One thing a lead did recently, as rules see it ({@code Lead(recentCount("Page Viewed",
 * "pricing", 7) >= 1)}): the event's name, its page/content category (or "") and when.
 */
public record Activity(String name, String category, Instant at) {
    /** How far back a lead's recent activity reaches, and how many entries it keeps at most. */
    public static final Duration WINDOW = Duration.ofDays(30);
    public static final int MAX = 50;

    public Activity {
        category = category == null ? "" : category;
    }

    static Activity of(BehaviourEvent event) {
        return new Activity(event.getName(), event.text("category"), event.getTimestamp());
    }

    /**
     * {@code recent} with {@code added}, oldest first, keeping only what lies within {@link #WINDOW}
     * of the newest entry, and at most {@link #MAX} entries.
     */
    static List<Activity> append(List<Activity> recent, Activity added) {
        boolean late = !recent.isEmpty() && added.at().isBefore(recent.get(recent.size() - 1).at());
        if (late) {
            List<Activity> all = new ArrayList<>(recent.size() + 1);
            all.addAll(recent);
            all.add(added);
            all.sort(Comparator.comparing(Activity::at)); // a late event: put it in its place
            Instant newest = all.get(all.size() - 1).at();
            all.removeIf(activity -> activity.at().isBefore(newest.minus(WINDOW)));
            return List.copyOf(all.size() > MAX ? all.subList(all.size() - MAX, all.size()) : all);
        }
        // In order (the usual case): one copy of what stays, oldest first.
        Instant oldest = added.at().minus(WINDOW);
        int from = Math.max(0, recent.size() + 1 - MAX);
        while (from < recent.size() && recent.get(from).at().isBefore(oldest)) {
            from++;
        }
        Activity[] kept = new Activity[recent.size() - from + 1];
        for (int i = from; i < recent.size(); i++) {
            kept[i - from] = recent.get(i);
        }
        kept[kept.length - 1] = added;
        return List.of(kept);
    }
}
