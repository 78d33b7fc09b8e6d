package dev.baton.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLSocket;

/**
 * HTTP/2 frames by hand, over TLS (ALPN h2) or in the clear (prior knowledge): GETs, DATA, GOAWAY, and the end of the
 * connection, so that a test sees exactly what goes over the wire.
 */
final class RawHttp2 implements AutoCloseable {
    private final Socket socket;
    private final boolean tls;
    private final DataInputStream in;
    private final OutputStream out;
    private final Map<Integer, ByteArrayOutputStream> bodies = new HashMap<>();
    private final Set<Integer> ended = new HashSet<>();
    private final ArrayDeque<Integer> goAways = new ArrayDeque<>();
    private boolean eof;

    /** Speaks HTTP/2 on {@code socket}, connected (and its TLS handshake done, if any): sends the preface. */
    RawHttp2(Socket socket) throws IOException {
        this.socket = socket;
        this.tls = socket instanceof SSLSocket;
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        frame(4, 0, 0, new byte[0]); // SETTINGS, all defaults
    }

    void get(int stream, String path) throws IOException {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.write(0x82); // :method GET
        block.write(tls ? 0x87 : 0x86); // :scheme https or http
        block.write(0x04); // :path, a literal value
        block.write(path.length());
        block.write(path.getBytes(StandardCharsets.US_ASCII));
        block.write(0x01); // :authority, a literal value
        block.write("127.0.0.1".length());
        block.write("127.0.0.1".getBytes(StandardCharsets.US_ASCII));
        frame(1, 0x4 | 0x1, stream, block.toByteArray()); // HEADERS, END_HEADERS | END_STREAM
    }

    String body(int stream) throws IOException {
        while (!ended.contains(stream)) {
            if (!read()) {
                throw new EOFException("the connection ended before stream " + stream + " did");
            }
        }
        return bodies.getOrDefault(stream, new ByteArrayOutputStream()).toString(StandardCharsets.UTF_8);
    }

    /** The last stream id of the next GOAWAY. */
    int goAway() throws IOException {
        while (goAways.isEmpty()) {
            if (!read()) {
                throw new EOFException("the connection ended without a GOAWAY");
            }
        }
        return goAways.poll();
    }

    /** Reads until the server closes; no more GOAWAY must come that was not expected. */
    void awaitEnd() throws IOException {
        while (read()) {
            // frames before the end: the repeated final GOAWAY, window updates, pings
        }
    }

    private boolean read() throws IOException {
        if (eof) {
            return false;
        }
        int length;
        try {
            length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        } catch (EOFException e) {
            eof = true;
            return false;
        }
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] payload = in.readNBytes(length);
        switch (type) {
            case 0 -> { // DATA
                bodies.computeIfAbsent(stream, s -> new ByteArrayOutputStream()).write(payload);
                if (length > 0) {
                    frame(8, 0, 0, windowIncrement(length)); // WINDOW_UPDATE for the connection
                }
                if ((flags & 0x1) != 0) {
                    ended.add(stream);
                }
            }
            case 1 -> {
                if ((flags & 0x1) != 0) {
                    ended.add(stream);
                }
            }
            case 4 -> {
                if ((flags & 0x1) == 0) {
                    frame(4, 0x1, 0, new byte[0]); // SETTINGS ACK
                }
            }
            case 6 -> {
                if ((flags & 0x1) == 0) {
                    frame(6, 0x1, 0, payload); // PING ACK
                }
            }
            case 7 -> { // GOAWAY
                int last = ((payload[0] & 0x7f) << 24) | ((payload[1] & 0xff) << 16) | ((payload[2] & 0xff) << 8) | (payload[3] & 0xff);
                int error = ((payload[4] & 0xff) << 24) | ((payload[5] & 0xff) << 16) | ((payload[6] & 0xff) << 8) | (payload[7] & 0xff);
                assertEquals(0, error, "GOAWAY with NO_ERROR");
                if (goAways.isEmpty() || goAways.peekLast() != last) {
                    goAways.add(last);
                }
            }
            default -> { }
        }
        return true;
    }

    private static byte[] windowIncrement(int increment) {
        return new byte[] {(byte) (increment >>> 24), (byte) (increment >>> 16), (byte) (increment >>> 8), (byte) increment};
    }

    private void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        byte[] header = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
                (byte) type, (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream};
        out.write(header);
        out.write(payload);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
