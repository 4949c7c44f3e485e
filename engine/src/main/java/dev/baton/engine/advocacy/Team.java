package dev.baton.engine.advocacy;

/** A team of employees; its manager sees the team table. */
record Team(String id, String name, String manager) {
}
