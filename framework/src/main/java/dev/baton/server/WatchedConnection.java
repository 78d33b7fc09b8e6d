package dev.baton.server;

/**
 * What the stall conduits of a connection ask of it ({@link StalledReadConduit}, {@link StalledWriteConduit}).
 * One object its connection is, rather than a lambda per question: each lambda is linked on its first call, and
 * those calls all come with the first request, on its IO thread.
 */
interface WatchedConnection {

    /** Whether an exchange waits for its request body: only then is a read that brings nothing a stall. */
    boolean awaitsBody();

    /** A read brought bytes. */
    void received();

    /** Whether this side has sent its FIN. */
    boolean writesShutDown();

    /** Closes the connection, whose client stalled ({@code why}), and wakes whoever waits on it. */
    void cut(String why);
}
