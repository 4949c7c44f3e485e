package dev.baton.engine.advocacy;

import dev.baton.engine.web.Id;
import jakarta.validation.constraints.NotBlank;

/** A team of employees; its manager sees the team table. */
record Team(@Id String id, @NotBlank(message = "a team needs a name") String name, String manager) {
}
