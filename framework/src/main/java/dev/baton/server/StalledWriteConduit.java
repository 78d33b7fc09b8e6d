package dev.baton.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.TimeUnit;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.channels.WriteTimeoutException;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.StreamSinkConduit;

/**
 * Cuts a connection whose client has stopped reading: once the socket has taken no byte of a pending write for
 * the write timeout, whether a worker blocks in the write or an IO thread waits to resume it.
 *
 * <p>Not XNIO's {@code WRITE_TIMEOUT}: its deadline runs from the last write, so a response that pauses longer
 * than the timeout between two writes (an SSE stream between events) is cut at its next write, although its
 * client read everything.
 */
final class StalledWriteConduit extends AbstractStreamSinkConduit<StreamSinkConduit> {

    private final StallClock clock;

    /**
     * A stall cuts {@code connection}, which wakes the listeners waiting on it, so that whoever waited to write finds
     * it closed and ends its exchange.
     */
    StalledWriteConduit(StreamSinkConduit next, long timeoutNanos, WatchedConnection connection) {
        super(next);
        this.clock = new StallClock(timeoutNanos, connection, false);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) progress(super.write(src), src.hasRemaining());
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return progress(super.write(srcs, offset, length), length > 0 && srcs[offset + length - 1].hasRemaining());
    }

    @Override
    public int writeFinal(ByteBuffer src) throws IOException {
        return (int) progress(super.writeFinal(src), src.hasRemaining());
    }

    @Override
    public long writeFinal(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return progress(super.writeFinal(srcs, offset, length),
                length > 0 && srcs[offset + length - 1].hasRemaining());
    }

    @Override
    public long transferFrom(FileChannel src, long position, long count) throws IOException {
        return progress(super.transferFrom(src, position, count), count > 0);
    }

    @Override
    public long transferFrom(StreamSourceChannel source, long count, ByteBuffer throughBuffer) throws IOException {
        return progress(super.transferFrom(source, count, throughBuffer), throughBuffer.hasRemaining());
    }

    @Override
    public void awaitWritable() throws IOException {
        awaitWritable(clock.left(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void awaitWritable(long time, TimeUnit unit) throws IOException {
        if (clock.expired()) {
            clock.cut();
            throw new WriteTimeoutException("the client read nothing for " + clock.timeoutMillis() + " ms");
        }
        super.awaitWritable(Math.min(unit.toNanos(time), Math.max(clock.left(), 1)), TimeUnit.NANOSECONDS);
    }

    private long progress(long written, boolean leftOver) {
        if (written > 0) {
            clock.moved();
        } else if (written == 0 && leftOver) {
            // The socket took nothing: the writer now waits for it (blocking or not), and the wait is the stall.
            clock.stuck(getWriteThread());
        }
        return written;
    }
}
