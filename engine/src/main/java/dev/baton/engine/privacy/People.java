package dev.baton.engine.privacy;

import java.util.Optional;

/** Finds the person behind any of their ids (lead id, user id, visitor id, email, phone). Implemented by leads. */
public interface People {
    Optional<Person> find(String anyId);
}
