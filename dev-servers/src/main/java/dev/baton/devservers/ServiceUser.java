package dev.baton.devservers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the unprivileged system user a server runs as when Baton itself runs as root. */
final class ServiceUser {
    private static final Logger log = LoggerFactory.getLogger(ServiceUser.class);

    private ServiceUser() {
    }

    /** Ensures the user exists and owns the given folders, and that it can reach them. */
    static void ensure(String user, List<Path> ownedPaths) {
        if (run(List.of("id", "-u", user)) != 0) {
            log.info("Creating system user '{}' to run Elasticsearch (it refuses to run as root)", user);
            int code = run(List.of("useradd", "--system", "--user-group", "--no-create-home",
                    "--shell", "/usr/sbin/nologin", user));
            if (code != 0 && run(List.of("id", "-u", user)) != 0) {
                throw new IllegalStateException("could not create system user '" + user + "' (useradd exited " + code + ")");
            }
        }
        for (Path path : ownedPaths) {
            requireReachable(path, user);
            if (run(List.of("chown", "-R", user + ":" + user, path.toString())) != 0) {
                throw new IllegalStateException("could not give " + path + " to user '" + user + "'");
            }
        }
    }

    /** The command prefix that runs a program as the user, exec'ing it directly (no intermediate process). */
    static List<String> runAs(String user) {
        return List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--");
    }

    private static void requireReachable(Path path, String user) {
        if (!reachableByOthers(path)) {
            throw new IllegalStateException("user '" + user + "' cannot reach " + path + " because a parent folder is"
                    + " closed to other users; set baton.local.work-dir (BATON_LOCAL_WORK_DIR) to a folder outside it");
        }
    }

    /** Whether every parent folder lets other users through (so a service user can reach the path). */
    static boolean reachableByOthers(Path path) {
        for (Path parent = path.toAbsolutePath().getParent(); parent != null; parent = parent.getParent()) {
            try {
                if (!Files.getPosixFilePermissions(parent).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private static int run(List<String> command) {
        try {
            Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor();
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }
}
