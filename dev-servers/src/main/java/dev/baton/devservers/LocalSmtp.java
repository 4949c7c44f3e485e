package dev.baton.devservers;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real SMTP server in this JVM (GreenMail) for the default run and the tests: it accepts every
 * message and keeps it, readable over IMAP with the recipient's address as user and password, so
 * a demo journey's emails can be looked at without any mail account. Nothing is relayed.
 */
final class LocalSmtp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalSmtp.class);
    static final String BOUNCES = "bounces@baton.local";
    private final int smtpPort;
    private final int imapPort;
    private GreenMail server;
    /** What earlier runs of the server received (a restart keeps the mailbox). */
    private final java.util.List<MimeMessage> earlier = new java.util.ArrayList<>();

    /** @param smtpPort 0 picks a free port; IMAP listens on the next free one */
    LocalSmtp(int smtpPort) {
        this.smtpPort = smtpPort == 0 ? FreePorts.find() : smtpPort;
        this.imapPort = smtpPort == 0 ? FreePorts.find() : smtpPort + 1;
    }

    synchronized String start() {
        if (server == null) {
            FreePorts.requireFree(smtpPort, "the local SMTP server");
            server = new GreenMail(new ServerSetup[] {
                    new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                    new ServerSetup(imapPort, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
            server.start();
            // The default bounce mailbox exists from the start, so Baton can read it before any bounce came.
            server.setUser(BOUNCES, BOUNCES, BOUNCES);
            log.info("Local SMTP server on 127.0.0.1:{} (catch-all; read it over IMAP on 127.0.0.1:{}, user and"
                    + " password = the recipient's address)", smtpPort, imapPort);
        }
        return "127.0.0.1:" + smtpPort;
    }

    int imapPort() {
        return imapPort;
    }

    synchronized List<MimeMessage> received() {
        List<MimeMessage> all = new java.util.ArrayList<>(earlier);
        if (server != null) {
            all.addAll(List.of(server.getReceivedMessages()));
        }
        return all;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            earlier.addAll(List.of(server.getReceivedMessages()));
            server.stop();
            server = null;
        }
    }
}
