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

/**
 * The readiness handshake between a parent generation and the child it started: a Unix-domain socket in a
 * private (0700) directory. The child says {@code READY <pid> <token>}; only the child started with that token
 * and that pid is believed. The parent answers {@code GO} only once it has committed to the hand-off, so a child
 * that reports ready just as its parent gives up on it learns it must not stay.
 */
final class ReadyChannel implements AutoCloseable {

    private static final int LINE_MAX = 256;

    private final Path directory;
    private final Path socketPath;
    private final ServerSocketChannel server;
    private final String token;
    private SocketChannel child;

    private ReadyChannel(Path directory) throws IOException {
        this.directory = directory;
        this.socketPath = directory.resolve("ready.sock");
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        this.server.bind(UnixDomainSocketAddress.of(socketPath));
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        this.token = HexFormat.of().formatHex(secret);
    }

    /** Parent side: a fresh channel for one child. */
    static ReadyChannel open() throws IOException {
        Path directory = Files.createTempDirectory("baton-handoff-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            return new ReadyChannel(directory);
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

    /**
     * Waits until {@code process} reports ready (true), exits, or {@code timeout} passes (false). Connections
     * that do not carry the right pid and token are dropped and the wait goes on.
     */
    boolean awaitReady(Process process, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String expected = "READY " + process.pid() + " " + token;
        server.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            server.register(selector, SelectionKey.OP_ACCEPT);
            while (process.isAlive() && System.nanoTime() < deadline) {
                selector.select(50);
                selector.selectedKeys().clear();
                SocketChannel candidate = server.accept();
                if (candidate == null) {
                    continue;
                }
                if (expected.equals(readLine(candidate))) {
                    child = candidate;
                    return true;
                }
                candidate.close();
            }
        }
        return false;
    }

    /** Tells the ready child that it now owns the service. */
    void go() throws IOException {
        child.write(ByteBuffer.wrap("GO\n".getBytes(StandardCharsets.US_ASCII)));
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

    /** Child side: reports ready and waits for the parent's answer; true when the parent said GO. */
    static boolean reportReady(Path socket, String token, long pid) throws IOException {
        try (SocketChannel parent = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            parent.write(ByteBuffer.wrap(("READY " + pid + " " + token + "\n").getBytes(StandardCharsets.US_ASCII)));
            return "GO".equals(readLine(parent));
        }
    }

    // The peer writes one short line and then waits, so a blocking read of up to one line cannot stall for long.
    private static String readLine(SocketChannel channel) throws IOException {
        channel.configureBlocking(true);
        ByteBuffer buffer = ByteBuffer.allocate(LINE_MAX);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                break;
            }
            byte last = buffer.get(buffer.position() - 1);
            if (last == '\n') {
                break;
            }
        }
        String line = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
        return line.endsWith("\n") ? line.substring(0, line.length() - 1) : null;
    }
}
