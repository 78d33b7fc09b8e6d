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

    private static final int LINE_MAX = 256;

    private final SocketChannel channel;
    private final CountDownLatch ended = new CountDownLatch(1);

    ProbationLink(SocketChannel channel) throws IOException {
        channel.configureBlocking(true);
        this.channel = channel;
    }

    /** Hands each line to {@code onMessage} on a daemon thread, then {@code null} once the link ends. */
    void listen(String threadName, Consumer<String> onMessage) {
        Thread reader = new Thread(() -> {
            try {
                ByteBuffer buffer = ByteBuffer.allocate(LINE_MAX);
                while (channel.read(buffer) >= 0 && buffer.position() < LINE_MAX) {
                    for (int newline; (newline = indexOfNewline(buffer)) >= 0; ) {
                        String line = new String(buffer.array(), 0, newline, StandardCharsets.US_ASCII);
                        buffer.flip().position(newline + 1);
                        buffer.compact();
                        onMessage.accept(line);
                    }
                }
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
