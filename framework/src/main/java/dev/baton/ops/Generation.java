package dev.baton.ops;

import java.time.Instant;

/** What the operator's endpoints tell about the running generation; the runtime's lifecycle answers. */
public interface Generation {

    int generation();

    long pid();

    Instant started();

    /** {@code starting}, {@code serving}, {@code upgrading}, {@code handing over}, {@code parked}, {@code stopping}. */
    String state();

    /** Whether this generation takes new connections: serving, or serving while its successor starts. */
    boolean serving();

    /** Exchanges in flight now. */
    int exchanges();

    /** Open client connections now. */
    int connections();

    /** The listener's address and where it came from, e.g. {@code 0.0.0.0:8080 (inherited from gen 2 pid 41)}. */
    String listener();

    /** The last upgrade this generation took part in (as the new one or as the old one), or null. */
    UpgradeRecord lastUpgrade();

    /**
     * One upgrade's outcome. {@code result}: {@code ok} (the new generation took over), {@code failed} (the old one
     * kept serving), {@code rolled back} (the new one died on probation and the old one resumed).
     */
    record UpgradeRecord(Instant at, int fromGeneration, int toGeneration, String result, long handOffMillis, String reason) {}
}
