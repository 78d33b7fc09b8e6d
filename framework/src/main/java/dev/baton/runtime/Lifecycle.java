package dev.baton.runtime;

import dev.baton.config.BatonConfig;
import dev.baton.ops.Generation;
import dev.baton.ops.Totals;
import dev.baton.server.HttpServer;
import dev.baton.tls.TlsMaterial;
import dev.baton.tls.TlsSettings;
import io.undertow.server.HttpHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One generation of a Baton process, from the listener it starts with to the drain it ends with: takes over
 * from its parent (handshake), tells supervisors (pid file, systemd), and on a signal either starts its
 * successor ({@link Upgrader}) or drains and exits.
 *
 * <p>The hand-off is a commit: until GO the parent owns the service, from GO on the child does, and nothing a
 * generation does may take down the side that owns it. Every change of {@link State} is made here, under this
 * object's lock.
 *
 * <p>{@link #open} and {@link #serve} are the way to the first request: no lambdas or streams there, and nothing
 * of the upgrade path, which {@link Preload} loads after ready.
 */
public final class Lifecycle {

    private enum State {
        /** Not serving yet, or serving while the parent decides whether this generation takes over. */
        STARTING,
        /** Owns the service. */
        SERVING,
        /** Owns the service while its successor starts. */
        UPGRADING,
        /** Its successor owns the service (GO was sent): drains, then exits 0 or parks on probation. */
        HANDED_OVER,
        /** Drained, its copy of the listener kept: resumes should its successor die within probation. */
        PARKED,
        /** Its parent kept the service: drains what it accepted meanwhile, then exits 1. */
        GIVING_UP,
        /** A final stop: drains, then exits 0. */
        STOPPING
    }

    private final BatonConfig config;
    private final Listener listener;
    /** The main listener, and the admin and HTTPS ones when the settings ask for them. */
    private final Listeners listeners;
    /** What the HTTPS listener serves, or null. */
    private final TlsMaterial tls;
    private final Optional<Handoff> handoff;
    private final Path workingDirectory;
    private final int generation;
    private final long pid;
    /** When this generation's start-up began, on the {@link System#nanoTime()} clock, and on the wall clock. */
    private final long startNanos;
    private final long startEpochMillis;
    private final Supervisors supervisors;
    private final Events events;
    private HttpServer server;
    private Drain drain;
    /** Run when this generation serves again after its successor died on probation. */
    private List<Runnable> resumeCallbacks;
    private State state = State.STARTING;
    /** A stop signal that the state put off (STARTING) or that only asks for the drain already under way. */
    private String stopAsked;
    /** A SIGUSR2 that came before this generation owned the service (its pid file may already name it). */
    private boolean upgradeAsked;
    private Process child;
    /** This generation's probation after it handed over, while its successor may still die. */
    private Probation probation;
    /** The parent generation, parked on probation after it handed over to this one. */
    private ParkedParent parkedParent;
    /** The last upgrade this generation was part of, on either side: what the operator's status shows. */
    private volatile Generation.UpgradeRecord lastUpgrade;
    /** The service's counts, this generation's on top of its predecessors'. */
    private final Totals totals = new Totals();
    /** After GO without probation, to a successor that asked: the link its final totals go over once drained. */
    private ProbationLink successorLink;

    private Lifecycle(BatonConfig config, Listeners listeners, TlsMaterial tls, Optional<Handoff> handoff,
            Path workingDirectory, long pid, long startNanos, Optional<SystemdNotify> systemd) {
        this.config = config;
        this.listener = listeners.main();
        this.listeners = listeners;
        this.tls = tls;
        this.handoff = handoff;
        this.workingDirectory = workingDirectory;
        this.generation = handoff.isPresent() ? handoff.get().generation() : 1;
        this.pid = pid;
        this.startNanos = startNanos;
        this.startEpochMillis = System.currentTimeMillis() - (System.nanoTime() - startNanos) / 1_000_000;
        this.events = new Events(generation, pid);
        this.supervisors = new Supervisors(config, systemd, pid, events);
    }

    /**
     * Opens or inherits the listener. With {@code baton.signals} (the default) this process is a generation:
     * the listener may come from its parent or from systemd, and {@link #serve} completes the hand-off, reports
     * ready to supervisors and answers SIGUSR2, SIGTERM and SIGINT. Without, it is an app embedded in a larger
     * process (e.g. a test) that binds its own.
     */
    public static Lifecycle open(BatonConfig config) {
        ThisProcess self = ThisProcess.read();
        // A process reports its whole start-up, JVM included; an embedded app the part that is its own.
        long startNanos = config.signals() ? self.startNanos() : System.nanoTime();
        long pid = self.pid();
        Path here = Path.of(System.getProperty("user.dir"));
        if (config.train()) {
            // A private port: a training run must not take, or need, the service's.
            Listener ephemeral = Listener.bind(config.with("host", "127.0.0.1").with("port", "0"));
            return new Lifecycle(config, new Listeners(ephemeral, Map.of()), null, Optional.empty(), here, pid, startNanos,
                    Optional.empty());
        }
        if (!config.signals()) {
            TlsMaterial tls = TlsSettings.load(config);
            return new Lifecycle(config, Listeners.bound(config), tls, Optional.empty(), here, pid, startNanos,
                    Optional.empty());
        }
        Map<String, String> env = System.getenv();
        Optional<Handoff> handoff = Optional.empty();
        if (env.containsKey(Handoff.PARENT_PID)) {
            // The parent as /proc said it at start-up, as getppid(2) would, without loading jnr on the child's
            // critical path to ready.
            StringBuilder ignored = new StringBuilder();
            handoff = Handoff.fromEnvironment(env, self.parentPid(), Parent::gone, ignored);
            if (ignored.length() > 0) {
                new Events(1, pid).warn("ignoring hand-off variables: {}", ignored);
            }
        }
        TlsMaterial tls = TlsSettings.load(config); // before any listener is taken: bad material fails the start
        if (config.pidFile().isPresent()) {
            PidFile.checkWritable(config.pidFile().get(), pid); // as bad material does: no ready report without a pid file
        }
        if (config.admin().isPresent() || config.https().isPresent()) {
            ChannelFds.check(); // now rather than at the first upgrade, which could not hand them over
        }
        return new Lifecycle(config, Listeners.open(config, handoff, env, pid), tls, handoff,
                ThisProcess.logicalWorkingDirectory(env), pid, startNanos, SystemdNotify.fromEnvironment(env));
    }

    /**
     * Serves {@code root} on the listener, then settles the hand-off with the parent generation, if any: takes
     * over on GO or when the parent died meanwhile, drains and exits when the parent kept the service.
     * {@code drainCallbacks} run when a drain starts; {@code resumeCallbacks} when this generation serves again
     * after its successor died on probation. The {@code warmUp} paths (and {@code baton.warmUp}'s) are fetched
     * from this generation itself before it takes any connection from the listener.
     */
    public void serve(HttpHandler root, HttpHandler admin, List<Runnable> drainCallbacks, List<Runnable> resumeCallbacks,
            List<String> warmUp) {
        this.resumeCallbacks = List.copyOf(resumeCallbacks);
        if (config.signals() && !config.train()) {
            Signals.install(this); // before the first accept: no signal may find accepted connections unanswered
        }
        List<String> paths = new ArrayList<>();
        for (List<String> declared : List.of(warmUp, config.warmUp())) {
            for (String path : declared) {
                if (!paths.contains(path)) {
                    paths.add(path);
                }
            }
        }
        boolean warms = !paths.isEmpty() || config.train();
        server = HttpServer.startPaused(listener.channel(), root, config);
        listeners.serveOthers(server, root, admin, tls, events);
        if (!warms) {
            server.resumeAccepting();
        }
        // An embedded app (a test's) has no successor to take the listener: an idle connection may close at once.
        Duration idleBeforeClose = config.signals() ? HttpServer.IDLE_BEFORE_CLOSE : Duration.ZERO;
        drain = new Drain(server, listener, config.drainTimeout(), idleBeforeClose, drainCallbacks, events, totals);
        if (warms) {
            warmUp(paths);
            server.resumeAccepting();
        }
        Parent.Answer answer = handoff.isPresent() ? Parent.reportReady(handoff.get(), pid, events) : null;
        InetSocketAddress address = (InetSocketAddress) localAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "0.0.0.0" : address.getHostString();
        events.info("listening on {}:{} ({}) in {} ms", host, address.getPort(), listener.source(), millisSinceStart());
        if (!config.signals()) {
            becomeOwner();
            return;
        }
        if (answer != null && answer.verdict() == Parent.Verdict.REFUSED) {
            giveUp(handoff.get().parentPid(), answer.why());
        }
        if (answer != null) {
            long requested = handoff.get().requestedAtMillis();
            lastUpgrade = new Generation.UpgradeRecord(Instant.now(), generation - 1, generation, "ok",
                    requested > 0 ? System.currentTimeMillis() - requested : millisSinceStart(),
                    answer.verdict() == Parent.Verdict.PARENT_DIED ? "the parent died during the hand-off" : null);
            CarriedTotals.carryOver(answer, totals, generation, events);
            totals.upgraded("ok");
            totals.handedOff(lastUpgrade.handOffMillis());
        }
        if (answer != null && answer.probation()) {
            parkedParent = ParkedParent.watch(answer.link(), handoff.get(), supervisors, events, this::upgradeRequested, totals);
            supervisors.writePidFile();
        } else {
            if (answer != null && answer.link() != null) {
                CarriedTotals.awaitDrained(answer.link(), totals);
            }
            supervisors.announceReady(generation > 1);
        }
        events.info("ready in {} ms", millisSinceStart());
        Preload.upgradePath(this);
        PutOff putOff = becomeOwner();
        if (putOff.stop() != null) {
            events.info("{} came during the hand-off: stopping now that this generation owns the service", putOff.stop());
            stopRequested(putOff.stop(), 0);
        } else if (putOff.upgrade()) {
            upgradeRequested();
        }
    }

    /** Runs the self-check; a generation whose self-check fails never takes a connection, and leaves. */
    private void warmUp(List<String> paths) {
        WarmUp.Result result = WarmUp.run(server, paths, config.warmUpTime(), !config.train());
        if (result.failure() == null) {
            events.info("warm-up: {} requests to {} paths in {} ms ({})", result.requests(), paths.size(), result.millis(),
                    result.ended());
            if (config.train()) {
                Preload.forArchive();
                events.info("training run over");
                exit(0);
            }
            return;
        }
        if (!config.signals() && !config.train()) {
            server.shutdown();
            throw new IllegalStateException(result.failure());
        }
        events.error("{}: this generation cannot serve; exit 1", result.failure());
        handoff.ifPresent(parent -> Parent.reportFailure(parent, pid, result.failure(), events));
        exit(1);
    }

    /** The signals put off while this generation did not own the service yet. */
    private record PutOff(String stop, boolean upgrade) {}

    private synchronized PutOff becomeOwner() {
        state = State.SERVING;
        PutOff putOff = new PutOff(stopAsked, upgradeAsked);
        stopAsked = null;
        upgradeAsked = false;
        return putOff;
    }

    /** The parent kept the service: answer what this generation accepted meanwhile, then leave. */
    private void giveUp(long parentPid, String why) {
        synchronized (this) {
            state = State.GIVING_UP;
        }
        events.error("parent gen {} pid {} kept the service ({}); draining what this generation accepted, then exit 1",
                generation - 1, parentPid, why);
        drain("the parent kept the service", false);
        exit(1);
    }

    private long millisSinceStart() {
        return (System.nanoTime() - startNanos) / 1_000_000;
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

    Path workingDirectory() {
        return workingDirectory;
    }

    Events events() {
        return events;
    }

    /** The listeners beyond fd 0 a child gets from this generation on request, by name. */
    Map<String, ServerSocketChannel> handedListeners() {
        return listeners.handed();
    }

    /** The service's counts: this generation's, on top of what its predecessors handed over. */
    public Totals totals() {
        return totals;
    }

    /** What the operator's endpoints show of this generation. */
    public Generation status() {
        return new GenerationStatus(this);
    }

    synchronized String stateName() {
        return switch (state) {
            case STARTING -> "starting";
            case SERVING -> "serving";
            case UPGRADING -> "upgrading";
            case HANDED_OVER -> "handing over";
            case PARKED -> "parked";
            case GIVING_UP -> "giving up";
            case STOPPING -> "stopping";
        };
    }

    synchronized boolean takesConnections() {
        return state == State.SERVING || state == State.UPGRADING;
    }

    /** When this generation's start-up began, on the wall clock (to the ms, as the operator's status shows it). */
    Instant since() {
        return Instant.ofEpochMilli(startEpochMillis);
    }

    long pid() {
        return pid;
    }

    HttpServer server() {
        return server;
    }

    Generation.UpgradeRecord lastUpgrade() {
        return lastUpgrade;
    }

    void upgraded(Generation.UpgradeRecord record) {
        lastUpgrade = record;
    }

    Supervisors supervisors() {
        return supervisors;
    }

    List<Runnable> resumeCallbacks() {
        return resumeCallbacks;
    }

    /** SIGUSR2: start the successor, unless this generation does not own the service or already upgrades. */
    void upgradeRequested() {
        synchronized (this) {
            if (probation != null && (state == State.HANDED_OVER || state == State.PARKED)) {
                probation.passOnUpgrade();
                return;
            }
            if (state == State.STARTING && !upgradeAsked) {
                upgradeAsked = true;
                events.info("SIGUSR2 came before this generation owns the service: it upgrades once it does");
                return;
            }
            if (state != State.SERVING) {
                events.info("SIGUSR2 ignored: this generation is {}", state == State.UPGRADING
                        ? "already upgrading" : state.name().toLowerCase().replace('_', ' '));
                return;
            }
            state = State.UPGRADING;
        }
        events.info("upgrade requested (SIGUSR2)");
        Upgrader.begin(this);
    }

    /** Before an upgrade: a parent still parked on probation leaves, and this generation becomes the main process. */
    void endParentProbation() {
        ParkedParent parked;
        synchronized (this) {
            parked = parkedParent;
            parkedParent = null;
        }
        if (parked != null) {
            parked.upgrading();
        }
    }

    /** Records the child an upgrade started, so that a stop meanwhile takes it down; false when stopping. */
    synchronized boolean adopt(Process started) {
        child = started;
        return state == State.UPGRADING;
    }

    synchronized boolean upgrading() {
        return state == State.UPGRADING;
    }

    /**
     * The commit. Unless a stop came first, stops accepting (so that once the child announces itself no new
     * connection reaches this generation) and tells the child GO; from then on the child owns the service and
     * nothing here signals, waits for or rolls it back. When {@code go} fails, the child never heard it:
     * accepting resumes and the upgrade fails as before GO. On probation the connection to the child stays open.
     */
    synchronized boolean commitHandOver(ReadyChannel ready) throws IOException {
        if (state != State.UPGRADING) {
            return false;
        }
        server.pauseAccepting();
        boolean parks = !config.probation().isZero();
        try {
            ready.go(parks);
        } catch (IOException | RuntimeException e) {
            server.resumeAccepting();
            throw e;
        }
        state = State.HANDED_OVER;
        CarriedTotals.sendAtGo(ready, totals, events);
        if (parks) {
            try {
                probation = Probation.begin(this, child, ready.takeChildLink(), ready.childAsksTotals());
            } catch (IOException | RuntimeException e) {
                // After GO nothing may fail the hand-off: the child, finding the link closed, takes over in full.
                events.warn("cannot keep the link to gen {} pid {} for probation ({}): leaving once drained",
                        generation + 1, child.pid(), e.toString());
            }
        } else if (ready.childAsksTotals()) {
            try {
                successorLink = ready.takeChildLink();
            } catch (IOException | RuntimeException e) {
                events.warn("cannot keep the link to gen {} pid {} for this generation's totals ({})", generation + 1,
                        child.pid(), e.toString());
            }
        }
        child = null;
        return true;
    }

    /** The upgrade ended before GO. True when this generation serves on; false when it is stopping. */
    synchronized boolean upgradeFailed() {
        child = null;
        if (state == State.UPGRADING) {
            state = State.SERVING;
            return true;
        }
        return false;
    }

    /**
     * SIGTERM/SIGINT. The owner of the service drains and exits (taking down a child that is not ready yet); a
     * second signal during that drain ends the process at once. Anywhere else the signal concerns only this
     * generation: while the hand-off from its parent is open it is put off until the hand-off is settled; a
     * generation draining after its hand-off goes on draining (a second signal ends it); one that gives up
     * (its parent kept the service) goes on leaving.
     */
    void stopRequested(String signal, int exitStatusIfImpatient) {
        Process pending;
        synchronized (this) {
            boolean afterHandOver = state == State.HANDED_OVER || state == State.PARKED;
            if (state == State.STOPPING || afterHandOver && stopAsked != null) {
                events.warn("{} again while draining: exiting now", signal);
                Runtime.getRuntime().halt(exitStatusIfImpatient);
            }
            switch (state) {
                case SERVING, UPGRADING -> {
                    pending = child;
                    state = State.STOPPING;
                }
                case HANDED_OVER, PARKED -> {
                    stopAsked = signal;
                    if (probation != null) {
                        probation.stopSignal(signal);
                    } else {
                        events.info("{}: already draining, which goes on; another signal ends it now", signal);
                    }
                    return;
                }
                // Both its parent (giving up on it) and a supervisor (stopping everything) may signal a child that
                // does not own the service: neither is an operator's second signal, and its drain is bounded.
                case STARTING -> {
                    stopAsked = signal;
                    events.info("{}: stopping once the hand-off from the parent generation is settled", signal);
                    return;
                }
                default -> {
                    events.info("{}: already leaving, as its parent kept the service", signal);
                    return;
                }
            }
        }
        ParkedParent parked = parkedParent;
        Thread stopper = new Thread(() -> {
            if (parked != null) {
                parked.stopping(signal); // before the drain closes this generation's listener: the parent must not resume
            }
            Thread childStop = pending == null ? null : Upgrader.stopInBackground(pending, this, signal);
            drain(signal, true);
            if (childStop != null) {
                join(childStop);
            }
            exit(0);
        }, "baton-stop");
        // Signal threads are daemons, and so would be this one: the JVM could end mid-drain once Undertow's
        // threads are gone, before the exit status and the last log line.
        stopper.setDaemon(false);
        stopper.start();
    }

    /**
     * The child took over: drain what is left here. On probation, park until the child passed it, and resume
     * should it die ({@link Probation#park}); true when this generation serves again.
     */
    boolean handOver(long childPid) {
        Probation parks;
        synchronized (this) {
            parks = probation;
        }
        if (parks != null) {
            return parks.park(drain);
        }
        drain("gen " + (generation + 1) + " pid " + childPid + " took over", false);
        if (successorLink != null) {
            CarriedTotals.sendDrained(successorLink, totals);
            successorLink.close();
        }
        return false;
    }

    /** On probation: drained, its copy of the listener kept. */
    synchronized void parked() {
        if (state == State.HANDED_OVER) {
            state = State.PARKED;
        }
    }

    /**
     * The successor died on probation: this generation owns the service again. Returns the stop signal that came
     * meanwhile, to be acted on once the resume is complete; else null.
     */
    synchronized String resumed() {
        state = State.SERVING;
        probation = null;
        String stop = stopAsked;
        stopAsked = null;
        return stop;
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

    /** Stops accepting at once (every copy of the listener in this process closes), serves what is open, then stops. */
    private void drain(String why, boolean finalStop) {
        if (finalStop) {
            supervisors.stopping();
        }
        drain.full(why);
        if (finalStop && config.signals()) {
            supervisors.removePidFile();
        }
    }

    void exit(int status) {
        events.info("exit {}", status);
        System.exit(status);
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private java.net.SocketAddress localAddress() {
        try {
            return listener.channel().getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("the listener has no local address", e);
        }
    }
}
