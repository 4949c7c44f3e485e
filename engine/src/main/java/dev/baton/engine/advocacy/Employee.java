package dev.baton.engine.advocacy;

import dev.baton.engine.web.Id;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;

/** An employee who shares campaign content (an advocate). */
public record Employee(@Id String id, @NotBlank(message = "an employee needs a name") String name, @Email(message = "'${validatedValue}' is not an email address") String email,
                       @Id String team) {
}
