package dev.baton.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.TimeUnit;
import org.xnio.channels.ReadTimeoutException;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Cuts a connection whose request body has stopped arriving: once an exchange waits to read and no byte has come
 * for the read timeout. Between exchanges the connection belongs to Undertow's request-head and keep-alive
 * timeouts, and an exchange that reads nothing (a long computation, an SSE stream) is never cut.
 *
 * <p>Not XNIO's {@code READ_TIMEOUT}: its deadline runs from the last read whether or not anybody waits to read,
 * so it closes SSE streams and slow handlers under their clients.
 */
final class StalledReadConduit extends AbstractStreamSourceConduit<StreamSourceConduit> {

    private final WatchedConnection connection;
    private final StallClock clock;

    StalledReadConduit(StreamSourceConduit next, long timeoutNanos, WatchedConnection connection) {
        super(next);
        this.connection = connection;
        // Once the exchange is over, a wait for bytes is a wait for the next request: not a stall.
        this.clock = new StallClock(timeoutNanos, connection, true);
    }

    /**
     * Reads stay open until the socket closes whole: see {@link #read}. Undertow shuts them down as it ends an
     * exchange with {@code Connection: close} while the body is unread, and goes on to read and drop that body
     * through the exchange's own channel, which would see the end of the stream here instead.
     */
    @Override
    public void terminateReads() {
    }

    /**
     * Once this side has sent its FIN (after the last response on a connection), what still comes is thrown away
     * until the client closes its side: closing a socket with unread bytes (a pipelined request) sends a reset,
     * which can destroy the response on its way to the client. Undertow's clean close reads here until the end of
     * the stream or its drain time, which makes it the lingering close RFC 9112 §9.6 asks for.
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (connection.writesShutDown()) {
            return discard();
        }
        return (int) progress(super.read(dst));
    }

    private int discard() throws IOException {
        ByteBuffer scratch = ByteBuffer.allocate(8192);
        int n;
        do {
            scratch.clear();
            n = super.read(scratch);
        } while (n > 0);
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        if (connection.writesShutDown()) {
            return discard();
        }
        return progress(super.read(dsts, offset, length));
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
        return progress(super.transferTo(position, count, target));
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
        return progress(super.transferTo(count, throughBuffer, target));
    }

    @Override
    public void awaitReadable() throws IOException {
        awaitReadable(clock.left(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void awaitReadable(long time, TimeUnit unit) throws IOException {
        if (clock.expired()) {
            clock.cut();
            throw new ReadTimeoutException("no byte of the request body for " + clock.timeoutMillis() + " ms");
        }
        super.awaitReadable(Math.min(unit.toNanos(time), Math.max(clock.left(), 1)), TimeUnit.NANOSECONDS);
    }

    private long progress(long read) {
        if (read > 0) {
            connection.received();
        }
        if (read != 0) {
            clock.moved();
        } else {
            // Nothing came for an exchange reading its body: it now waits, and the wait is the stall.
            clock.stuck(getReadThread());
        }
        return read;
    }
}
