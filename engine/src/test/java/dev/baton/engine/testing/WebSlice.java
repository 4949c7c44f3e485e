package dev.baton.engine.testing;

import dev.baton.engine.security.WebSliceSecurity;
import dev.baton.engine.tracking.WebSliceTracking;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * What a {@code @WebMvcTest} of one controller needs besides it: Baton's security rules (who may
 * call what) and the settings the web layer reads. The controller's collaborators are the test's
 * {@code @MockitoBean}s; the request never gets past them in a test of what is refused.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Import({WebSliceSecurity.class, WebSliceTracking.class})
public @interface WebSlice {
}
