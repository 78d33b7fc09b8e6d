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
        channel = ReadyChannel.open(java.util.Map.of());
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
                    return ReadyChannel.reportReady(channel.socketPath(), channel.token(), child.pid(), Duration.ofSeconds(5), false).line();
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
        assertTrue(reply.probation());
        try (ProbationLink childSide = reply.link()) {
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
        assertFalse(reply.probation());
        assertNull(reply.link());
        assertNull(reply.totals(), "a child that did not ask gets no totals");
    }

    @Test
    void aChildThatAsksGetsTheTotalsAtGoAndOnceDrainedBeforeAnyLaterMessage() throws Exception {
        dev.baton.ops.Totals parent = new dev.baton.ops.Totals();
        parent.timer("http.server.requests", "method", "GET", "uri", "/items/{id}", "status", "200").record(2_000_000);
        parent.upgraded("ok");
        CompletableFuture<ReadyChannel.Answer> answer = childReportsReady(true);
        assertTrue(channel.awaitReady(child, Duration.ofSeconds(10), () -> true, events));
        assertTrue(channel.childAsksTotals());
        channel.go(true);
        CarriedTotals.sendAtGo(channel, parent, events);
        ProbationLink parentSide = channel.takeChildLink();
        channel.close();
        parent.timer("http.server.requests", "method", "GET", "uri", "/items/{id}", "status", "200").record(3_000_000);
        parent.drained(1200, 2);
        // a drain with nothing in flight ends at once: the final totals and the next message may arrive together
        CarriedTotals.sendDrained(parentSide, parent);
        assertTrue(parentSide.send(ProbationLink.PASSED));
        ReadyChannel.Answer reply = answer.get(5, TimeUnit.SECONDS);
        assertEquals("GO", reply.line());
        dev.baton.ops.Totals child = new dev.baton.ops.Totals();
        child.timer("http.server.requests", "method", "GET", "uri", "/items/{id}", "status", "200").record(1_000_000);
        assertEquals(2, child.carryOver(reply.totals()));
        dev.baton.ops.Totals.Series requests = child.timer("http.server.requests", "method", "GET", "uri", "/items/{id}", "status", "200");
        assertEquals(2.0, requests.count(), "the parent's one request at GO and the child's own");
        java.util.concurrent.BlockingQueue<String> atChild = new java.util.concurrent.LinkedBlockingQueue<>();
        try (ProbationLink childSide = reply.link()) {
            childSide.listen("test-child", line -> {
                if (line != null && !CarriedTotals.heard(line, child)) {
                    atChild.add(line);
                }
            });
            assertEquals("PASSED", atChild.poll(5, TimeUnit.SECONDS), "the message after the totals, whole");
            assertEquals(3.0, requests.count(), "the parent's two requests, and the child's own");
            assertEquals(0.006, requests.totalSeconds(), 1e-9);
            assertEquals(1.0, child.counter("baton.upgrades", "result", "ok").count());
            assertEquals(2.0, child.counter("baton.drain.cut").count());
        } finally {
            parentSide.close();
        }
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
        assertNull(ReadyChannel.reportReady(channel.socketPath(), channel.token(), child.pid(), Duration.ofMillis(300), false).line());
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
        return childReportsReady(false);
    }

    private CompletableFuture<ReadyChannel.Answer> childReportsReady(boolean asksTotals) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return ReadyChannel.reportReady(channel.socketPath(), channel.token(), child.pid(), Duration.ofSeconds(5), asksTotals);
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
