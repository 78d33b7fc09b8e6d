package dev.baton.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The ready channel's connection, kept open after GO while the old generation is on probation: one line per
 * message, each way. Its end tells either side that the other closed it or died.
 */
final class ProbationLink implements AutoCloseable {

    /** Parent to child: probation is over; the child speaks for the service to systemd from now on. */
    static final String PASSED = "PASSED";
    /** Parent to child: SIGUSR2 reached the parked parent (systemd's reload signals its main process); pass it on. */
    static final String UPGRADE = "UPGRADE";
    /** Child to parent: the child starts an upgrade of its own, so probation ends. */
    static final String UPGRADING = "UPGRADING";
    /** Child to parent, followed by the signal's name: the child stops, and the service with it. */
    static final String STOPPING = "STOPPING";
    /**
     * Parent to child, followed by the parent's totals once it drained (to a child that asked for them): the
     * requests it finished after GO, and its drain, counted on by the child.
     */
    static final String DRAINED = "DRAINED ";

    private final SocketChannel channel;
    /** What the child's side had read past its answer from the parent: the start of the first message. */
    private final ByteBuffer arrived;
    private final CountDownLatch ended = new CountDownLatch(1);

    ProbationLink(SocketChannel channel) throws IOException {
        this(channel, ByteBuffer.allocate(0));
    }

    ProbationLink(SocketChannel channel, ByteBuffer arrived) throws IOException {
        channel.configureBlocking(true);
        this.channel = channel;
        this.arrived = arrived;
    }

    /** Hands each line to {@code onMessage} on a daemon thread, then {@code null} once the link ends. */
    void listen(String threadName, Consumer<String> onMessage) {
        Thread reader = new Thread(() -> {
            try {
                ByteBuffer buffer = ByteBuffer.allocate(Math.max(1024, arrived.remaining())).put(arrived);
                do {
                    for (int newline; (newline = indexOfNewline(buffer)) >= 0; ) {
                        String line = new String(buffer.array(), 0, newline, StandardCharsets.US_ASCII);
                        buffer.flip().position(newline + 1);
                        buffer.compact();
                        onMessage.accept(line);
                    }
                    if (!buffer.hasRemaining()) {
                        if (buffer.capacity() >= ReadyChannel.TOTALS_MAX) {
                            break; // no message is that long: whatever sends it is not the other generation
                        }
                        buffer = ByteBuffer.allocate(buffer.capacity() * 2).put(buffer.flip());
                    }
                } while (channel.read(buffer) >= 0);
            } catch (IOException closed) {
                // the end of the link, whichever side ended it
            } finally {
                ended.countDown();
                onMessage.accept(null);
            }
        }, threadName);
        reader.setDaemon(true);
        reader.start();
    }

    /** Sends one message; false when the link is gone. */
    synchronized boolean send(String message) {
        try {
            ByteBuffer line = ByteBuffer.wrap((message + "\n").getBytes(StandardCharsets.US_ASCII));
            while (line.hasRemaining()) {
                channel.write(line);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits up to {@code millis} for the other side to close the link; true when it did. */
    boolean awaitEnd(long millis) {
        try {
            return ended.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException alreadyGone) {
            // nothing left to release
        }
    }

    private static int indexOfNewline(ByteBuffer buffer) {
        for (int i = 0; i < buffer.position(); i++) {
            if (buffer.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }
}
