package dev.baton.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.TimeUnit;
import org.xnio.XnioExecutor;
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

    private final long timeoutNanos;
    private final Runnable cut;
    /** When the socket last refused bytes it was offered; 0 while writes make progress or none is pending. */
    private volatile long stalledSince;
    private volatile XnioExecutor.Key timer;

    /**
     * {@code cut} closes the connection and calls the listeners waiting on it, so that whoever waited to write
     * finds it closed and ends its exchange.
     */
    StalledWriteConduit(StreamSinkConduit next, long timeoutNanos, Runnable cut) {
        super(next);
        this.timeoutNanos = timeoutNanos;
        this.cut = cut;
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
        awaitWritable(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void awaitWritable(long time, TimeUnit unit) throws IOException {
        long since = stalledSince;
        long left = since == 0 ? timeoutNanos : since + timeoutNanos - System.nanoTime();
        if (left <= 0) {
            cut.run();
            throw new WriteTimeoutException("the client read nothing for " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
        }
        super.awaitWritable(Math.min(unit.toNanos(time), left), TimeUnit.NANOSECONDS);
    }

    private long progress(long written, boolean leftOver) {
        if (written > 0) {
            stalledSince = 0;
        } else if (written == 0 && leftOver && stalledSince == 0) {
            // The socket took nothing: the writer now waits for it (blocking or not), and the wait is the stall.
            stalledSince = System.nanoTime();
            arm(timeoutNanos);
        }
        return written;
    }

    private void arm(long delayNanos) {
        if (timer == null) {
            timer = getWriteThread().executeAfter(this::check, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    // On the IO thread. A stall that ended meanwhile only re-arms for what is left of a newer one.
    private void check() {
        timer = null;
        long since = stalledSince;
        if (since == 0) {
            return;
        }
        long left = since + timeoutNanos - System.nanoTime();
        if (left > 0) {
            arm(left);
            return;
        }
        cut.run();
    }
}
