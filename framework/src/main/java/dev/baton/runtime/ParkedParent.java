package dev.baton.runtime;

import dev.baton.ops.Totals;

/**
 * The new generation's side of probation: it owns the service, while its parent stays parked, ready to resume
 * should this generation die, and remains systemd's main process until probation ends ({@link Probation}).
 */
final class ParkedParent {

    /** How long an upgrade of this generation waits for the parent's answer before it goes on anyway. */
    private static final long ANSWER_MILLIS = 2_000;

    private final ProbationLink link;
    private final String parent;
    private final Supervisors supervisors;
    private final Events events;
    private final Runnable upgrade;
    private final Totals totals;
    private boolean over;

    private ParkedParent(ProbationLink link, String parent, Supervisors supervisors, Events events, Runnable upgrade,
            Totals totals) {
        this.link = link;
        this.parent = parent;
        this.supervisors = supervisors;
        this.events = events;
        this.upgrade = upgrade;
        this.totals = totals;
    }

    /**
     * Listens to the parked parent; {@code upgrade} runs when SIGUSR2 reached the parent instead of this process,
     * and its final totals, once it drained, are counted on in {@code totals}.
     */
    static ParkedParent watch(ProbationLink link, Handoff handoff, Supervisors supervisors, Events events, Runnable upgrade,
            Totals totals) {
        String parent = "parent gen " + (handoff.generation() - 1) + " pid " + handoff.parentPid();
        ParkedParent parked = new ParkedParent(link, parent, supervisors, events, upgrade, totals);
        link.listen("baton-parked-parent", parked::heard);
        return parked;
    }

    private void heard(String line) {
        if (line != null && CarriedTotals.heard(line, totals)) {
            return;
        }
        if (ProbationLink.PASSED.equals(line)) {
            takeOver("probation passed: " + parent + " leaves");
        } else if (ProbationLink.UPGRADE.equals(line)) {
            takeOver("SIGUSR2 reached " + parent + ", which passed it on");
            upgrade.run();
        } else if (line == null) {
            takeOver(parent + " ended probation without a word (killed?)");
        }
    }

    /** This generation becomes the service's main process, once; the parent may leave. */
    private void takeOver(String why) {
        synchronized (this) {
            if (over) {
                return;
            }
            over = true;
        }
        events.info("{}; this generation is the service's main process now", why);
        supervisors.becomeMainProcess();
        link.close();
    }

    /** Before this generation upgrades: probation ends, and this generation is the main process by the time it returns. */
    void upgrading() {
        synchronized (this) {
            if (over) {
                return;
            }
        }
        link.send(ProbationLink.UPGRADING);
        if (!link.awaitEnd(ANSWER_MILLIS)) {
            takeOver(parent + " did not answer within " + ANSWER_MILLIS + " ms");
        }
    }

    /** Before this generation drains on a stop signal: the service stops, and the parent leaves rather than resume. */
    void stopping(String signal) {
        synchronized (this) {
            if (over) {
                return;
            }
            over = true;
        }
        link.send(ProbationLink.STOPPING + " " + signal);
        link.close();
    }
}
