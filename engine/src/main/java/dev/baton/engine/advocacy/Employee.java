package dev.baton.engine.advocacy;

/** An employee who shares campaign content (an advocate). */
public record Employee(String id, String name, String email, String team) {
}
