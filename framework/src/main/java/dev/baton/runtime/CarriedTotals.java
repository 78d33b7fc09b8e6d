package dev.baton.runtime;

import dev.baton.ops.Totals;

/**
 * How the service's {@link Totals} pass from one generation to the next over the ready channel: the parent's totals
 * so far right after GO, so that no counter falls back at the take-over, and its final ones once it drained, for
 * the requests it finished after GO and its drain. Nothing here can fail a hand-off: a child that hears nothing
 * counts from what it has.
 */
final class CarriedTotals {

    private CarriedTotals() {}

    /** Parent side, right after GO, when the child asked (a child of an earlier release does not). */
    static void sendAtGo(ReadyChannel ready, Totals totals, Events events) {
        if (!ready.childAsksTotals()) {
            return;
        }
        try {
            ready.sendTotals(totals.snapshot());
        } catch (Exception e) {
            events.warn("cannot send this generation's totals to its successor ({}): its counters start lower", e.toString());
        }
    }

    /** Parent side, once drained: its final totals, then the link ends unless probation keeps it. */
    static void sendDrained(ProbationLink link, Totals totals) {
        link.send(ProbationLink.DRAINED + totals.snapshot());
    }

    /** Child side, at GO: counts on from the parent's totals, if it sent them. */
    static void carryOver(Parent.Answer answer, Totals totals, int generation, Events events) {
        if (answer.totals() != null) {
            int series = totals.carryOver(answer.totals());
            events.info("counting on from the totals of gen {} ({} series)", generation - 1, series);
        }
    }

    /** Child side, after GO without probation: the parent's final totals, once it drained; then the link ends. */
    static void awaitDrained(ProbationLink link, Totals totals) {
        link.listen("baton-parent-totals", line -> {
            if (line == null) {
                link.close();
            } else {
                heard(line, totals);
            }
        });
    }

    /** Whether {@code line} was the parent's final totals (now counted on from). */
    static boolean heard(String line, Totals totals) {
        if (!line.startsWith(ProbationLink.DRAINED)) {
            return false;
        }
        totals.carryOver(line.substring(ProbationLink.DRAINED.length()));
        return true;
    }
}
