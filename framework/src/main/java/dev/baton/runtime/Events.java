package dev.baton.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Lifecycle log lines: one per event, each carrying the generation and pid, through SLF4J (logger {@code baton}). */
final class Events {
    private static final Logger LOG = LoggerFactory.getLogger("baton");
    private final String prefix;

    Events(int generation, long pid) {
        this.prefix = "gen=" + generation + " pid=" + pid + " ";
    }

    void info(String format, Object... args) {
        LOG.info(prefix + format, args);
    }

    void warn(String format, Object... args) {
        LOG.warn(prefix + format, args);
    }

    void error(String format, Object... args) {
        LOG.error(prefix + format, args);
    }
}
