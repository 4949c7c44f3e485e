package dev.baton.engine.advocacy;

import org.springframework.stereotype.Component;

/** Who manages a team (teams and employees are shared by advocacy and sales). */
@Component
public class TeamManagers {
    private final AdvocacyStore store;

    TeamManagers(AdvocacyStore store) {
        this.store = store;
    }

    /** The team's manager, or null when the team or its manager is unknown. */
    public Employee managerOf(String teamId) {
        if (teamId == null) {
            return null;
        }
        Team team = store.team(teamId);
        return team == null || team.manager() == null ? null : store.employee(team.manager());
    }
}
