package dev.baton.dev;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSinkConduit;

/**
 * An HTML answer, held back whole and sent on with the dev-mode script before its last {@code </body>} (or at its
 * end). An answer larger than {@link #MAX_HELD} is not a page a developer reloads: it goes on as it is, unchanged.
 */
final class ScriptInjectingConduit extends AbstractStreamSinkConduit<StreamSinkConduit> {

    static final int MAX_HELD = 4 << 20;
    private static final byte[] BODY_END = "</body".getBytes(StandardCharsets.US_ASCII);

    private final byte[] script;
    /** The answer so far, while it is held back; null once it goes on (whole or as it is). */
    private ByteArrayOutputStream held = new ByteArrayOutputStream();
    /** What is still to be written downstream before anything else. */
    private ByteBuffer pending;
    private boolean terminated;
    private boolean nextTerminated;

    ScriptInjectingConduit(StreamSinkConduit next, byte[] script) {
        super(next);
        this.script = script;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (terminated) {
            throw new ClosedChannelException();
        }
        if (held != null) {
            int n = src.remaining();
            if (held.size() + (long) n <= MAX_HELD) {
                byte[] bytes = new byte[n];
                src.get(bytes);
                held.writeBytes(bytes);
                return n;
            }
            pending = ByteBuffer.wrap(held.toByteArray()); // too large: on as it is, from here on
            held = null;
        }
        if (!pushPending()) {
            return 0;
        }
        return next.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offs, int len) throws IOException {
        long total = 0;
        for (int i = offs; i < offs + len; i++) {
            int wanted = srcs[i].remaining();
            int written = write(srcs[i]);
            total += written;
            if (written < wanted) {
                break;
            }
        }
        return total;
    }

    @Override
    public int writeFinal(ByteBuffer src) throws IOException {
        return Conduits.writeFinalBasic(this, src);
    }

    @Override
    public long writeFinal(ByteBuffer[] srcs, int offs, int len) throws IOException {
        return Conduits.writeFinalBasic(this, srcs, offs, len);
    }

    @Override
    public long transferFrom(FileChannel src, long position, long count) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(count, 65_536));
        int read = src.read(buffer, position);
        if (read <= 0) {
            return 0;
        }
        buffer.flip();
        return write(buffer);
    }

    @Override
    public long transferFrom(StreamSourceChannel source, long count, ByteBuffer throughBuffer) throws IOException {
        return Conduits.transfer(source, count, throughBuffer, this);
    }

    @Override
    public void terminateWrites() throws IOException {
        if (!terminated) {
            terminated = true;
            if (held != null) {
                pending = ByteBuffer.wrap(inject(held.toByteArray(), script));
                held = null;
            }
        }
        finish();
    }

    @Override
    public boolean flush() throws IOException {
        if (held != null) {
            return next.flush(); // nothing went downstream yet
        }
        if (!pushPending()) {
            return false;
        }
        if (terminated && !finish()) {
            return false;
        }
        return next.flush();
    }

    @Override
    public void truncateWrites() throws IOException {
        held = null;
        pending = null;
        terminated = true;
        next.truncateWrites();
    }

    /** Writes what is pending and, once all is written, ends the stream downstream; false when that has to wait. */
    private boolean finish() throws IOException {
        if (!pushPending()) {
            return false;
        }
        if (!nextTerminated) {
            nextTerminated = true;
            next.terminateWrites();
        }
        return true;
    }

    private boolean pushPending() throws IOException {
        while (pending != null && pending.hasRemaining()) {
            if (next.write(pending) == 0) {
                return false;
            }
        }
        pending = null;
        return true;
    }

    /** {@code page} with {@code script} before its last {@code </body} (any case), or at its end. */
    static byte[] inject(byte[] page, byte[] script) {
        int at = lastIndexOfIgnoreCase(page, BODY_END);
        if (at < 0) {
            at = page.length;
        }
        byte[] result = new byte[page.length + script.length];
        System.arraycopy(page, 0, result, 0, at);
        System.arraycopy(script, 0, result, at, script.length);
        System.arraycopy(page, at, result, at + script.length, page.length - at);
        return result;
    }

    private static int lastIndexOfIgnoreCase(byte[] haystack, byte[] needle) {
        outer:
        for (int i = haystack.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                byte b = haystack[i + j];
                if (b >= 'A' && b <= 'Z') {
                    b += 'a' - 'A';
                }
                if (b != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
