package dev.baton.devservers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Elasticsearch's service user must be able to reach its folders; a closed parent is detected. */
class ServiceUserTest {
    @TempDir
    Path temp;

    @Test
    void folderBehindAParentClosedToOtherUsersIsNotReachable() throws Exception {
        Path closed = Files.createDirectory(temp.resolve("closed"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));

        assertThat(ServiceUser.reachableByOthers(closed.resolve("data"))).isFalse();
    }

    @Test
    void folderBehindOpenParentsIsReachable() throws Exception {
        Path open = Files.createDirectory(temp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));

        // JUnit's temp folders live in java.io.tmpdir (/tmp), which every user may traverse.
        assertThat(ServiceUser.reachableByOthers(open.resolve("data"))).isTrue();
    }
}
