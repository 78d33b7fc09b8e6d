package dev.baton.runtime;

import dev.baton.config.BatonConfig;
import java.io.IOException;
import java.util.Optional;

/**
 * What a generation tells whoever watches the service: the pid file and systemd's notify socket. Only the
 * generation that owns the service speaks for it; failures to tell are logged, never fatal, since the service
 * itself is fine.
 */
final class Supervisors {

    private final BatonConfig config;
    private final Optional<SystemdNotify> systemd;
    private final long pid;
    private final Events events;

    Supervisors(BatonConfig config, Optional<SystemdNotify> systemd, long pid, Events events) {
        this.config = config;
        this.systemd = systemd;
        this.pid = pid;
        this.events = events;
    }

    /** This generation owns the service: the pid file names it, and systemd learns its pid when it is new. */
    void announceReady(boolean successor) {
        writePidFile();
        notify(successor ? "MAINPID=" + pid + "\nREADY=1" : "READY=1");
    }

    /**
     * This generation owns the service while its parent, parked on probation, stays systemd's main process:
     * only the pid file names it for now.
     */
    void writePidFile() {
        if (config.pidFile().isPresent()) {
            try {
                PidFile.write(config.pidFile().get(), pid);
            } catch (IOException e) {
                events.error("cannot write pid file {}: {}", config.pidFile().get(), e.getMessage());
            }
        }
    }

    /** Probation is over: systemd takes this generation as the service's main process. */
    void becomeMainProcess() {
        notify("MAINPID=" + pid + "\nREADY=1");
    }

    void reloading() {
        notify("RELOADING=1");
    }

    /** An upgrade failed: this generation still serves, and says so again. */
    void stillReady() {
        notify("READY=1");
    }

    void stopping() {
        notify("STOPPING=1");
    }

    void removePidFile() {
        if (config.pidFile().isPresent()) {
            try {
                PidFile.remove(config.pidFile().get(), pid);
            } catch (IOException e) {
                events.warn("cannot remove pid file {}: {}", config.pidFile().get(), e.getMessage());
            }
        }
    }

    private void notify(String message) {
        if (systemd.isEmpty()) {
            return;
        }
        try {
            systemd.get().send(message);
        } catch (IOException | RuntimeException e) {
            events.warn("systemd notify '{}' failed: {}", message.replace('\n', ' '), e.getMessage());
        }
    }
}
