package dev.baton.runtime;

import dev.baton.config.BatonConfig;
import dev.baton.server.HttpServer;
import io.undertow.server.HttpHandler;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One generation of a Baton process, from the listener it starts with to the drain it ends with: takes over
 * from its parent (handshake), tells supervisors (pid file, systemd), and on a signal either starts its
 * successor ({@link Upgrader}) or drains and exits.
 */
public final class Lifecycle {

    private enum State { SERVING, HANDING_OVER, STOPPING }

    private final BatonConfig config;
    private final Listener listener;
    private final Optional<Handoff> handoff;
    private final int generation;
    private final long pid;
    private final Instant since;
    private final Optional<SystemdNotify> systemd;
    private final Events events;
    private HttpServer server;
    private List<Runnable> drainCallbacks;
    private State state = State.SERVING;
    private boolean upgrading;
    private Process child;

    private Lifecycle(BatonConfig config, Listener listener, Optional<Handoff> handoff, long pid, Instant since,
            Optional<SystemdNotify> systemd) {
        this.config = config;
        this.listener = listener;
        this.handoff = handoff;
        this.generation = handoff.map(Handoff::generation).orElse(1);
        this.pid = pid;
        this.since = since;
        this.systemd = systemd;
        this.events = new Events(generation, pid);
    }

    /**
     * Opens or inherits the listener. With {@code baton.signals} (the default) this process is a generation:
     * the listener may come from its parent or from systemd, and {@link #serve} completes the hand-off, reports
     * ready to supervisors and answers SIGUSR2, SIGTERM and SIGINT. Without, it is an app embedded in a larger
     * process (e.g. a test) that binds its own.
     */
    public static Lifecycle open(BatonConfig config) {
        // A process reports its whole start-up, JVM included; an embedded app the part that is its own.
        // (RuntimeMXBean: ProcessHandle's start instant is only as precise as the kernel's clock ticks.)
        Instant since = config.signals() ? Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()) : Instant.now();
        long pid = ProcessHandle.current().pid();
        if (!config.signals()) {
            return new Lifecycle(config, Listener.bind(config), Optional.empty(), pid, since, Optional.empty());
        }
        Map<String, String> env = System.getenv();
        StringBuilder ignored = new StringBuilder();
        Optional<Handoff> handoff = env.containsKey(Handoff.PARENT_PID)
                ? Handoff.fromEnvironment(env, parentPid(), ignored) : Optional.empty();
        if (ignored.length() > 0) {
            new Events(1, pid).warn("ignoring hand-off variables: {}", ignored);
        }
        Listener listener = handoff.map(Listener::inherited)
                .or(() -> Listener.fromSystemd(env, pid))
                .orElseGet(() -> Listener.bind(config));
        return new Lifecycle(config, listener, handoff, pid, since, SystemdNotify.fromEnvironment(env));
    }

    /** Serves {@code root} on the listener, then takes over from the parent generation, if any. */
    public void serve(HttpHandler root, List<Runnable> drainCallbacks) {
        this.drainCallbacks = List.copyOf(drainCallbacks);
        server = HttpServer.start(listener.channel(), root, config.ioThreads(), config.workerThreads(),
                config.maxBodySize());
        ready();
    }

    // The JDK reads the parent from /proc at the call, as getppid(2) would, without loading jnr on the
    // child's critical path to ready.
    private static long parentPid() {
        return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L);
    }

    private void ready() {
        if (handoff.isPresent() && !confirmedByParent(handoff.get())) {
            events.error("parent pid {} did not confirm the hand-off; exiting", handoff.get().parentPid());
            System.exit(1);
        }
        InetSocketAddress address = (InetSocketAddress) localAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "0.0.0.0" : address.getHostString();
        events.info("listening on {}:{} ({}) in {} ms", host, address.getPort(), listener.source(),
                Duration.between(since, Instant.now()).toMillis());
        if (!config.signals()) {
            return;
        }
        Signals.install(this);
        try {
            if (config.pidFile().isPresent()) {
                PidFile.write(config.pidFile().get(), pid);
            }
        } catch (IOException e) {
            events.error("cannot write pid file {}: {}", config.pidFile().get(), e.getMessage());
        }
        notifySystemd(generation > 1 ? "MAINPID=" + pid + "\nREADY=1" : "READY=1");
        events.info("ready in {} ms", Duration.between(since, Instant.now()).toMillis());
        Thread warmUp = new Thread(Lifecycle::loadUpgradePath, "baton-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    /**
     * Loads, ahead of any signal, what an upgrade, a rollback and a drain need. A deploy that overwrites the
     * running jar in place (cp instead of mv) leaves this JVM unable to load classes from it; the machinery that
     * must then refuse or roll back the upgrade is already in memory. It also takes jnr's start-up off the
     * hand-off's critical path.
     */
    private static void loadUpgradePath() {
        List.of(Upgrader.class, Deploy.class, ReadyChannel.class, Handoff.class, Fds.class, Listener.class,
                HttpServer.DrainReport.class, PidFile.class, SystemdNotify.class).forEach(Class::getName);
        Native.getpid(); // loads jnr-posix and jffi's native library
    }

    private boolean confirmedByParent(Handoff handoff) {
        try {
            return ReadyChannel.reportReady(handoff.readySocket(), handoff.token(), pid);
        } catch (IOException e) {
            events.error("cannot report ready to parent pid {}: {}", handoff.parentPid(), e.getMessage());
            return false;
        }
    }

    public int port() {
        return ((InetSocketAddress) localAddress()).getPort();
    }

    public int generation() {
        return generation;
    }

    BatonConfig config() {
        return config;
    }

    Listener listener() {
        return listener;
    }

    Events events() {
        return events;
    }

    /** SIGUSR2: start the successor, unless an upgrade or a stop is already under way. */
    void upgradeRequested() {
        synchronized (this) {
            if (state != State.SERVING) {
                events.info("SIGUSR2 ignored: this generation is {}", state == State.STOPPING ? "stopping" : "handing over");
                return;
            }
            if (upgrading) {
                events.info("SIGUSR2 ignored: an upgrade is already in progress");
                return;
            }
            upgrading = true;
        }
        events.info("upgrade requested (SIGUSR2)");
        Upgrader.begin(this);
    }

    /** Records the child an upgrade started, so that a stop meanwhile can take it down; false when stopping. */
    synchronized boolean adopt(Process started) {
        child = started;
        return state == State.SERVING;
    }

    /**
     * The child is ready: commits to the hand-off unless a stop came first, and stops accepting, so that once
     * the child announces itself (pid file, systemd) no new connection reaches this generation.
     */
    boolean commitHandOver() {
        synchronized (this) {
            if (state != State.SERVING) {
                return false;
            }
            state = State.HANDING_OVER;
        }
        server.pauseAccepting();
        return true;
    }

    /** The ready child vanished before it heard it owns the service: this generation goes on as before. */
    void abandonHandOver() {
        server.resumeAccepting();
        synchronized (this) {
            state = State.SERVING;
        }
    }

    synchronized boolean stopping() {
        return state == State.STOPPING;
    }

    synchronized void upgradeOver() {
        upgrading = false;
        child = null;
    }

    /** SIGTERM/SIGINT: the first drains and exits; another one while draining exits at once. */
    void stopRequested(String signal, int exitStatusIfImpatient) {
        Process pending;
        synchronized (this) {
            if (state == State.STOPPING) {
                events.warn("{} again while draining: exiting now", signal);
                Runtime.getRuntime().halt(exitStatusIfImpatient);
            }
            state = State.STOPPING;
            pending = child;
        }
        Thread stopper = new Thread(() -> {
            if (pending != null) {
                events.info("{}: stopping the upgrade to child pid {}", signal, pending.pid());
                Upgrader.stop(pending);
            }
            drain(signal, true);
            exit();
        }, "baton-stop");
        // Signal threads are daemons, and so would be this one: the JVM could end mid-drain once Undertow's
        // threads are gone, before the exit status and the last log line.
        stopper.setDaemon(false);
        stopper.start();
    }

    /** The child took over: drain what is left here and exit. */
    void handOver(long childPid) {
        drain("gen " + (generation + 1) + " pid " + childPid + " took over", false);
        exit();
    }

    /** {@code app.stop()}: drain, then return. */
    public void stop() {
        synchronized (this) {
            if (state == State.STOPPING || server == null) {
                return;
            }
            state = State.STOPPING;
        }
        drain("stop()", true);
    }

    private void drain(String why, boolean finalStop) {
        if (finalStop) {
            notifySystemd("STOPPING=1");
        }
        events.info("draining {} exchanges on {} connections ({})", server.exchanges(), server.connections(), why);
        listener.closeKeepingOutput(server::stopAccepting);
        for (Runnable callback : drainCallbacks) {
            try {
                callback.run();
            } catch (RuntimeException e) {
                events.warn("onDrain callback failed: {}", e.toString());
            }
        }
        HttpServer.DrainReport report = server.drain(config.drainTimeout());
        if (report.cut() > 0) {
            events.warn("drain deadline after {} ms: {} exchanges cut", report.millis(), report.cut());
        } else {
            events.info("drained in {} ms", report.millis());
        }
        if (finalStop && config.signals() && config.pidFile().isPresent()) {
            try {
                PidFile.remove(config.pidFile().get(), pid);
            } catch (IOException e) {
                events.warn("cannot remove pid file {}: {}", config.pidFile().get(), e.getMessage());
            }
        }
    }

    private void exit() {
        events.info("exit 0");
        System.exit(0);
    }

    void notifySystemd(String message) {
        systemd.ifPresent(notify -> {
            try {
                notify.send(message);
            } catch (IOException e) {
                events.warn("systemd notify '{}' failed: {}", message.replace('\n', ' '), e.getMessage());
            }
        });
    }

    private java.net.SocketAddress localAddress() {
        try {
            return listener.channel().getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("the listener has no local address", e);
        }
    }
}
