package dev.baton.runtime;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The readiness handshake between a parent generation and the child it started: a Unix-domain socket in a
 * private (0700) directory. The child says {@code READY <pid> <token>}; only the child started with that token
 * and that pid is believed. The parent answers {@code GO} only once it has committed to the hand-off, so a child
 * that reports ready just as its parent gives up on it learns it must not stay. Every read has a deadline: a peer
 * that says nothing cannot hold either side.
 */
final class ReadyChannel implements AutoCloseable {

    private static final int LINE_MAX = 256;
    static final String GO = "GO";
    static final String GO_ON_PROBATION = "GO probation";
    /**
     * After its ready report, a child whose parent offered it ({@link Handoff#TOTALS}) asks for the parent's
     * {@link dev.baton.ops.Totals}: the parent sends them after GO ({@link #TOTALS}) and once more when drained
     * ({@link ProbationLink#DRAINED}). A parent of an earlier release never offers, and a child of one never asks.
     */
    static final String ASKS_TOTALS = " totals";
    static final String TOTALS = "TOTALS ";
    /** The longest totals line either side accepts: some thousand series. */
    static final int TOTALS_MAX = 4 << 20;
    /** How long a peer of the parent may take to send its one line once connected. */
    static final Duration PEER_DEADLINE = Duration.ofSeconds(2);

    private final Path directory;
    private final Path socketPath;
    private final ServerSocketChannel server;
    private final String token;
    private SocketChannel child;
    /** The listeners beyond fd 0 a child may ask for as it starts ({@link HandedListeners}). */
    private final Map<String, ServerSocketChannel> handed;
    /** Whether the ready child asked for this generation's totals. */
    private boolean childAsksTotals;
    /** Why the child said it cannot serve (its self-check failed), once it said so. */
    private String failure;

    private ReadyChannel(Path directory, Map<String, ServerSocketChannel> handed) throws IOException {
        this.directory = directory;
        this.handed = handed;
        this.socketPath = directory.resolve("ready.sock");
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        this.server.bind(UnixDomainSocketAddress.of(socketPath));
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        this.token = HexFormat.of().formatHex(secret);
    }

    /** Parent side: a fresh channel for one child, which may ask for {@code handed}. */
    static ReadyChannel open(Map<String, ServerSocketChannel> handed) throws IOException {
        Path directory = Files.createTempDirectory("baton-handoff-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            return new ReadyChannel(directory, handed);
        } catch (IOException e) {
            Files.deleteIfExists(directory);
            throw e;
        }
    }

    Path socketPath() {
        return socketPath;
    }

    String token() {
        return token;
    }

    /** A connection that has not yet said its line. */
    private record Peer(ByteBuffer line, long deadline) {}

    /**
     * Waits until {@code process} reports ready (true), exits, {@code timeout} passes or the report is no longer
     * {@code wanted} (false). Peers are read
     * side by side, each with its own deadline: one that says something else, or nothing in time, is dropped and
     * logged while the wait for the real child goes on.
     */
    boolean awaitReady(Process process, Duration timeout, BooleanSupplier wanted, Events events) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String expected = "READY " + process.pid() + " " + token;
        String failed = "FAILED " + process.pid() + " " + token + " ";
        String asksListeners = HandedListeners.REQUEST + " " + process.pid() + " " + token;
        server.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            server.register(selector, SelectionKey.OP_ACCEPT);
            try {
                // After the wait ends, one last look: a child that failed its self-check said why, then exited.
                for (boolean last = false; !last; ) {
                    last = !(process.isAlive() && System.nanoTime() < deadline && wanted.getAsBoolean());
                    if (last) {
                        selector.selectNow();
                    } else {
                        selector.select(50);
                    }
                    selector.selectedKeys().clear();
                    for (SocketChannel peer; (peer = server.accept()) != null; ) {
                        peer.configureBlocking(false);
                        peer.register(selector, SelectionKey.OP_READ,
                                new Peer(ByteBuffer.allocate(LINE_MAX), System.nanoTime() + PEER_DEADLINE.toNanos()));
                    }
                    for (SelectionKey key : selector.keys()) {
                        if (key.channel() instanceof SocketChannel peer && key.isValid()) {
                            String verdict = hear(peer, (Peer) key.attachment(), expected, failed, asksListeners);
                            if (asksListeners.equals(verdict)) {
                                handListeners(peer, events);
                                continue;
                            }
                            if (verdict == null && !last) {
                                child = peer;
                                childAsksTotals = lineIn(((Peer) key.attachment()).line()).endsWith(ASKS_TOTALS);
                                return true;
                            }
                            if (verdict == null) {
                                continue; // ready too late: the child exited, or is no longer wanted
                            }
                            if (verdict.startsWith(failed)) {
                                failure = verdict.substring(failed.length());
                                peer.close();
                                return false;
                            }
                            if (!verdict.isEmpty()) {
                                events.warn("dropped a peer on the ready channel: {}", verdict);
                                peer.close();
                            }
                        }
                    }
                }
                return false;
            } finally {
                for (SelectionKey key : selector.keys()) {
                    if (key.channel() instanceof SocketChannel peer && peer != child && peer.isOpen()) {
                        events.warn("dropped a peer on the ready channel: {}", "it had not reported when the wait ended");
                        peer.close();
                    }
                }
            }
        }
    }

    /**
     * Null: the expected report. Empty: nothing to decide yet. The line itself when it is the child's failure.
     * Otherwise why the peer is dropped.
     */
    private static String hear(SocketChannel peer, Peer state, String expected, String failed, String asksListeners)
            throws IOException {
        int read;
        try {
            read = peer.read(state.line());
        } catch (IOException e) {
            return "its connection failed (" + e.getMessage() + ")";
        }
        String line = lineIn(state.line());
        if (line != null) {
            if (line.equals(expected) || line.equals(expected + ASKS_TOTALS)) {
                return null;
            }
            return line.startsWith(failed) || line.equals(asksListeners) ? line
                    : line.startsWith("READY ") ? "it reported ready with another pid or token" : "it said something else";
        }
        if (read < 0) {
            return "it closed the connection without reporting";
        }
        if (!state.line().hasRemaining()) {
            return "it sent " + LINE_MAX + " bytes and no line";
        }
        return System.nanoTime() > state.deadline() ? "it said nothing within " + PEER_DEADLINE.toMillis() + " ms" : "";
    }

    /** The child starts and asks for the listeners beyond fd 0: it gets them, and then reports ready anew. */
    private void handListeners(SocketChannel peer, Events events) throws IOException {
        try {
            HandedListeners.send(peer, handed); // one small message into an empty socket buffer: never blocks
        } catch (IOException | RuntimeException e) {
            events.warn("cannot hand the listeners {} to the new generation: {}", handed.keySet(), e.toString());
        } finally {
            peer.close();
        }
    }

    /** Why the child reported it cannot serve, when {@link #awaitReady} ended on that; else null. */
    String failure() {
        return failure;
    }

    /**
     * Tells the ready child that it now owns the service, and whether this generation stays parked on probation
     * (the connection then stays open, see {@link #takeChildLink()}).
     */
    void go(boolean probation) throws IOException {
        ByteBuffer go = ByteBuffer.wrap(((probation ? GO_ON_PROBATION : GO) + "\n").getBytes(StandardCharsets.US_ASCII));
        child.write(go); // a few bytes into an empty socket buffer: all or an exception, even when non-blocking
        if (go.hasRemaining()) {
            throw new IOException("the ready channel took " + go.position() + " of the " + go.limit() + " bytes of GO");
        }
    }

    boolean childAsksTotals() {
        return childAsksTotals;
    }

    /** After GO, when the child asked: this generation's totals so far, for it to count on from. */
    void sendTotals(String snapshot) throws IOException {
        child.configureBlocking(true); // a long line: written whole, to a child that reads it at once
        ByteBuffer line = ByteBuffer.wrap((TOTALS + snapshot + "\n").getBytes(StandardCharsets.US_ASCII));
        while (line.hasRemaining()) {
            child.write(line);
        }
    }

    /** The connection to the child, for probation or for the totals once drained: {@link #close()} leaves it open from now on. */
    ProbationLink takeChildLink() throws IOException {
        ProbationLink link = new ProbationLink(child);
        child = null;
        return link;
    }

    /** Removes the socket and its directory; safe in every outcome and more than once. */
    @Override
    public void close() {
        try {
            if (child != null) {
                child.close();
            }
            server.close();
            Files.deleteIfExists(socketPath);
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove hand-off directory " + directory, e);
        }
    }

    /**
     * The parent's answer to a ready report: its line ({@code GO} when it committed), or null when it closed the
     * channel or said nothing in time; after GO, the open link when the parent parks on probation or sends its
     * totals once drained (else null), whether it parks, and its totals at GO when it sent them (else null).
     */
    record Answer(String line, ProbationLink link, boolean probation, String totals) {}

    /**
     * Child side: reports ready (asking for the parent's totals when {@code asksTotals}) and waits up to
     * {@code timeout} for the parent's answer.
     *
     * @throws IOException when the parent's channel cannot be reached or fails
     */
    static Answer reportReady(Path socket, String token, long pid, Duration timeout, boolean asksTotals) throws IOException {
        SocketChannel parent = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        try {
            parent.write(ByteBuffer.wrap(("READY " + pid + " " + token + (asksTotals ? ASKS_TOTALS : "") + "\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            LineReader reader = new LineReader(parent);
            String line = reader.readLine(System.nanoTime() + timeout.toNanos(), LINE_MAX);
            boolean probation = GO_ON_PROBATION.equals(line);
            if (!probation && !GO.equals(line)) {
                parent.close();
                return new Answer(line, null, false, null);
            }
            String totals = null;
            if (asksTotals) {
                // Sent right behind GO: a parent that fails to send it has still committed, and the child takes over.
                String next = reader.readLine(System.nanoTime() + PEER_DEADLINE.toNanos(), TOTALS_MAX);
                totals = next != null && next.startsWith(TOTALS) ? next.substring(TOTALS.length()) : null;
            }
            if (!probation && !asksTotals) {
                parent.close();
                return new Answer(GO, null, false, null);
            }
            return new Answer(GO, new ProbationLink(parent, reader.leftover()), probation, totals);
        } catch (IOException | RuntimeException e) {
            parent.close();
            throw e;
        }
    }

    /** Child side: tells the parent this generation cannot serve, and why (the parent logs it and serves on). */
    static void reportFailure(Path socket, String token, long pid, String why) throws IOException {
        // One ASCII line that fits the parent's buffer, whatever the reason holds.
        String line = "FAILED " + pid + " " + token + " " + why.replaceAll("[^\\x20-\\x7e]", "?");
        if (line.length() >= LINE_MAX) {
            line = line.substring(0, LINE_MAX - 4) + "...";
        }
        try (SocketChannel parent = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                parent.write(bytes);
            }
        }
    }

    private static String lineIn(ByteBuffer buffer) {
        for (int i = 0; i < buffer.position(); i++) {
            if (buffer.get(i) == '\n') {
                return new String(buffer.array(), 0, i, StandardCharsets.US_ASCII);
            }
        }
        return null;
    }
}
