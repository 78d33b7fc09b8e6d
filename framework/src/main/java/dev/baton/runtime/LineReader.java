package dev.baton.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Lines from the child's end of the ready channel, each read with a deadline, none beyond what it returns: what
 * arrived after the last line stays for whoever reads on ({@link #leftover()}).
 */
final class LineReader {

    private final SocketChannel channel;
    private byte[] bytes = new byte[512];
    private int filled;

    LineReader(SocketChannel channel) {
        this.channel = channel;
    }

    /** The next line (at most {@code max} bytes), or null at end of stream, at the deadline or when it is longer. */
    String readLine(long deadline, int max) throws IOException {
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (true) {
                String line = takeLine();
                if (line != null) {
                    return line;
                }
                if (filled >= max) {
                    return null;
                }
                if (filled == bytes.length) {
                    bytes = Arrays.copyOf(bytes, Math.min(max, bytes.length * 2));
                }
                int read = channel.read(ByteBuffer.wrap(bytes, filled, bytes.length - filled));
                if (read > 0) {
                    filled += read;
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (read < 0 || left <= 0) {
                    return null;
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                selector.selectedKeys().clear();
            }
        }
    }

    /** What arrived after the last line returned, ready to be read from. */
    ByteBuffer leftover() {
        return ByteBuffer.wrap(Arrays.copyOf(bytes, filled));
    }

    private String takeLine() {
        for (int i = 0; i < filled; i++) {
            if (bytes[i] == '\n') {
                String line = new String(bytes, 0, i, StandardCharsets.US_ASCII);
                System.arraycopy(bytes, i + 1, bytes, 0, filled - i - 1);
                filled -= i + 1;
                return line;
            }
        }
        return null;
    }
}
