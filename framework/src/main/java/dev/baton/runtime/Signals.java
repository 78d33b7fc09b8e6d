package dev.baton.runtime;

import java.io.IOException;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The signals a generation answers. sun.misc.Signal is the only way to handle them in the JDK; its handlers run
 * on the JVM's signal thread, so each only hands the work to the lifecycle.
 */
final class Signals {

    private Signals() {}

    static void install(Lifecycle lifecycle) {
        SignalHandler handler = new ToLifecycle(lifecycle);
        Signal.handle(new Signal("USR2"), handler);
        handleEvenIfIgnored("TERM", handler, lifecycle.events());
        handleEvenIfIgnored("INT", handler, lifecycle.events());
    }

    /** One handler for the three signals: a class, not three lambdas that each cost a generated class at start-up. */
    private static final class ToLifecycle implements SignalHandler {
        private final Lifecycle lifecycle;

        ToLifecycle(Lifecycle lifecycle) {
            this.lifecycle = lifecycle;
        }

        @Override
        public void handle(Signal signal) {
            switch (signal.getName()) {
                case "USR2" -> lifecycle.upgradeRequested();
                case "TERM" -> lifecycle.stopRequested("SIGTERM", 128 + 15);
                default -> lifecycle.stopRequested("SIGINT", 128 + 2);
            }
        }
    }

    /**
     * A process inherits ignored signals: a non-interactive shell starts every background job ({@code cmd &})
     * with SIGINT ignored, and the JVM then silently declines to handle it. A stop signal is how an operator or
     * a script stops a generation cleanly, so give it back its default action and handle it; say so when the JVM
     * still refuses.
     */
    private static void handleEvenIfIgnored(String name, SignalHandler handler, Events events) {
        Signal signal = new Signal(name);
        if (Signal.handle(signal, handler) != SignalHandler.SIG_IGN) {
            return;
        }
        try {
            Native.defaultAction(signal.getNumber());
            if (Signal.handle(signal, handler) != SignalHandler.SIG_IGN) {
                events.info("SIG{} was ignored when this process started (a background job of a shell?); handling it anyway", name);
                return;
            }
        } catch (IOException | RuntimeException e) {
            events.warn("cannot undo the inherited SIG_IGN of SIG{}: {}", name, e.getMessage());
        }
        events.warn("SIG{} is ignored (inherited from whatever started this process): it will not stop this generation;"
                + " start it with SIG{} at its default action", name, name);
    }
}
