package dev.baton.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ready channel over a real Unix socket, with a real process standing in for the child (its pid is the one that counts). */
class ReadyChannelTest {

    private Process child;
    private ReadyChannel channel;
    private final Events events = new Events(1, ProcessHandle.current().pid());

    @BeforeEach
    void open() throws Exception {
        child = new ProcessBuilder("sleep", "60").start();
        channel = ReadyChannel.open();
    }

    @AfterEach
    void close() {
        channel.close();
        child.destroyForcibly();
    }

    @Test
    void theRealChildGetsThroughASilentPeerAndALiar() throws Exception {
        try (SocketChannel silent = connect(); SocketChannel liar = connect()) {
            liar.write(ascii("READY " + child.pid() + " not-the-token\n"));
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    Thread.sleep(ReadyChannel.PEER_DEADLINE.toMillis() + 500); // the silent peer's deadline passes first
                    return ReadyChannel.reportReady(channel.socketPath(), channel.token(), child.pid(), Duration.ofSeconds(5)).line();
                } catch (Exception e) {
                    return e.toString();
                }
            });
            long start = System.nanoTime();
            assertTrue(channel.awaitReady(child, Duration.ofSeconds(20), () -> true, events));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "not held by the silent peer");
            channel.go(false);
            assertEquals("GO", answer.get(5, TimeUnit.SECONDS));
            assertEquals(-1, read(liar), "the liar was dropped");
            assertEquals(-1, read(silent), "the silent peer was dropped");
        }
    }

    @Test
    void aGoOnProbationKeepsTheConnectionAsALinkBothWays() throws Exception {
        CompletableFuture<ReadyChannel.Answer> answer = childReportsReady();
        assertTrue(channel.awaitReady(child, Duration.ofSeconds(10), () -> true, events));
        channel.go(true);
        ProbationLink parentSide = channel.takeChildLink();
        channel.close(); // the hand-off files go; the link stays
        ReadyChannel.Answer reply = answer.get(5, TimeUnit.SECONDS);
        assertEquals("GO", reply.line());
        try (ProbationLink childSide = reply.probation()) {
            java.util.concurrent.BlockingQueue<String> atParent = new java.util.concurrent.LinkedBlockingQueue<>();
            java.util.concurrent.BlockingQueue<String> atChild = new java.util.concurrent.LinkedBlockingQueue<>();
            parentSide.listen("test-parent", line -> atParent.add(line == null ? "(end)" : line));
            childSide.listen("test-child", line -> atChild.add(line == null ? "(end)" : line));
            assertTrue(childSide.send(ProbationLink.STOPPING + " SIGTERM"));
            assertEquals("STOPPING SIGTERM", atParent.poll(5, TimeUnit.SECONDS));
            assertTrue(parentSide.send(ProbationLink.PASSED));
            assertTrue(parentSide.send(ProbationLink.UPGRADE));
            assertEquals("PASSED", atChild.poll(5, TimeUnit.SECONDS));
            assertEquals("UPGRADE", atChild.poll(5, TimeUnit.SECONDS));
            childSide.close();
            assertTrue(parentSide.awaitEnd(5_000), "the parent sees the child close the link");
            assertEquals("(end)", atParent.poll(5, TimeUnit.SECONDS));
        } finally {
            parentSide.close();
        }
    }

    @Test
    void aPlainGoClosesTheConnection() throws Exception {
        CompletableFuture<ReadyChannel.Answer> answer = childReportsReady();
        assertTrue(channel.awaitReady(child, Duration.ofSeconds(10), () -> true, events));
        channel.go(false);
        ReadyChannel.Answer reply = answer.get(5, TimeUnit.SECONDS);
        assertEquals("GO", reply.line());
        assertNull(reply.probation());
    }

    @Test
    void theWaitEndsWhenTheReportIsNoLongerWanted() throws Exception {
        long start = System.nanoTime();
        assertFalse(channel.awaitReady(child, Duration.ofSeconds(30), () -> System.nanoTime() - start < 300_000_000L, events));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void aChildWhoseParentSaysNothingHearsNothingWithinItsDeadline() throws Exception {
        long start = System.nanoTime();
        assertNull(ReadyChannel.reportReady(channel.socketPath(), channel.token(), child.pid(), Duration.ofMillis(300)).line());
        long took = System.nanoTime() - start;
        assertTrue(took >= 250_000_000L && took < 3_000_000_000L, took + " ns");
    }

    @Test
    void closingRemovesTheSocketAndItsDirectory() {
        channel.close();
        assertFalse(Files.exists(channel.socketPath()));
        assertFalse(Files.exists(channel.socketPath().getParent()));
        channel.close(); // and again, harmlessly
    }

    /** The child's side of the handshake, on another thread: its answer once the parent said it. */
    private CompletableFuture<ReadyChannel.Answer> childReportsReady() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return ReadyChannel.reportReady(channel.socketPath(), channel.token(), child.pid(), Duration.ofSeconds(5));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private SocketChannel connect() throws Exception {
        return SocketChannel.open(UnixDomainSocketAddress.of(channel.socketPath()));
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static int read(SocketChannel peer) throws Exception {
        peer.configureBlocking(true);
        return peer.read(ByteBuffer.allocate(16));
    }
}
