package dev.baton.engine.advocacy;

import dev.baton.engine.security.LoginGroups;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.User;
import org.springframework.stereotype.Component;

/**
 * Employees who log in (console and {@code /api/me}) are Camunda users with the employee's id in
 * group {@value LoginGroups#EMPLOYEES}: the same identity service as every other login, nothing kept elsewhere.
 */
@Component
class EmployeeLogins {
    private final IdentityService identity;

    EmployeeLogins(IdentityService identity) {
        this.identity = identity;
    }

    /** Creates the employee's login, or sets a new password. */
    void setPassword(Employee employee, String password) {
        if (identity.createGroupQuery().groupId(LoginGroups.EMPLOYEES).singleResult() == null) {
            Group group = identity.newGroup(LoginGroups.EMPLOYEES);
            group.setName("Baton employees (own advocacy view)");
            group.setType("WORKFLOW");
            identity.saveGroup(group);
        }
        User user = identity.createUserQuery().userId(employee.id()).singleResult();
        if (user == null) {
            user = identity.newUser(employee.id());
        }
        user.setFirstName(employee.name());
        user.setEmail(employee.email());
        user.setPassword(password);
        identity.saveUser(user);
        if (identity.createUserQuery().userId(employee.id()).memberOfGroup(LoginGroups.EMPLOYEES).count() == 0) {
            identity.createMembership(employee.id(), LoginGroups.EMPLOYEES);
        }
    }
}
