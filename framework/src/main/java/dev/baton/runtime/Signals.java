package dev.baton.runtime;

import sun.misc.Signal;

/**
 * The signals a generation answers. sun.misc.Signal is the only way to handle them in the JDK; its handlers run
 * on the JVM's signal thread, so each only hands the work to the lifecycle.
 */
final class Signals {

    private Signals() {}

    static void install(Lifecycle lifecycle) {
        Signal.handle(new Signal("USR2"), signal -> lifecycle.upgradeRequested());
        Signal.handle(new Signal("TERM"), signal -> lifecycle.stopRequested("SIGTERM", 128 + 15));
        Signal.handle(new Signal("INT"), signal -> lifecycle.stopRequested("SIGINT", 128 + 2));
    }
}
