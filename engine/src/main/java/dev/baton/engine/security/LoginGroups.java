package dev.baton.engine.security;

/** The Camunda groups whose members log in to Baton, and what each may see. */
public final class LoginGroups {
    /** Employees who log in for their own advocacy view (user id = employee id): the EMPLOYEE role. */
    public static final String EMPLOYEES = "baton-employees";

    private LoginGroups() {
    }
}
