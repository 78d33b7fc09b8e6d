package dev.baton.server;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.DelegateOpenListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * Cleartext HTTP/2 by prior knowledge (RFC 9113 §3.3) beside HTTP/1.1 on one listener, as nginx and Envoy offer it to
 * the proxies and gRPC clients that speak it: a connection whose first 24 bytes are the HTTP/2 preface goes to HTTP/2
 * (and so gets GOAWAY on a drain, see {@link Traffic}), any other to HTTP/1.1 with the bytes read so far. Undertow's
 * HTTP/1.1 listener can take the preface too, but opens its HTTP/2 connection where no drain can reach it.
 *
 * <p>{@code Upgrade: h2c} (deprecated by RFC 9113) is not offered: such a request is answered in HTTP/1.1, which
 * the RFC allows and clients expect.
 */
final class H2cOpenListener implements ChannelListener<StreamConnection> {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final DelegateOpenListener http1;
    private final DelegateOpenListener http2;
    private final ByteBufferPool buffers;
    private final long firstBytesMillis;

    /** {@code firstBytesMillis}: how long a connection may stay silent before it says which protocol it speaks. */
    H2cOpenListener(DelegateOpenListener http1, DelegateOpenListener http2, ByteBufferPool buffers, long firstBytesMillis) {
        this.http1 = http1;
        this.http2 = http2;
        this.buffers = buffers;
        this.firstBytesMillis = firstBytesMillis;
    }

    @Override
    public void handleEvent(StreamConnection connection) {
        Sniff sniff = new Sniff(connection, buffers.allocate());
        sniff.silence = connection.getIoThread().executeAfter(sniff::giveUp, firstBytesMillis, TimeUnit.MILLISECONDS);
        ConduitStreamSourceChannel source = connection.getSourceChannel();
        source.getReadSetter().set(channel -> sniff.read());
        sniff.read();
        if (sniff.undecided()) {
            source.resumeReads();
        }
    }

    /** One connection's first bytes, read on its IO thread until they tell HTTP/2 from HTTP/1.1. */
    private final class Sniff {
        private final StreamConnection connection;
        private final PooledByteBuffer pooled;
        private volatile XnioExecutor.Key silence;
        private boolean decided;

        Sniff(StreamConnection connection, PooledByteBuffer pooled) {
            this.connection = connection;
            this.pooled = pooled;
        }

        boolean undecided() {
            return !decided;
        }

        void read() {
            if (decided) {
                return;
            }
            ByteBuffer buffer = pooled.getBuffer();
            try {
                while (!decided) {
                    int read = connection.getSourceChannel().read(buffer);
                    if (read < 0) {
                        close();
                        return;
                    }
                    DelegateOpenListener protocol = protocol(buffer);
                    if (protocol != null) {
                        handTo(protocol);
                    } else if (read == 0) {
                        return;
                    }
                }
            } catch (IOException e) {
                close();
            }
        }

        /** The protocol the bytes so far speak, or null while they are a part of the preface. */
        private DelegateOpenListener protocol(ByteBuffer buffer) {
            int seen = Math.min(buffer.position(), PREFACE.length);
            for (int i = 0; i < seen; i++) {
                if (buffer.get(i) != PREFACE[i]) {
                    return http1;
                }
            }
            return seen == PREFACE.length ? http2 : null;
        }

        private void handTo(DelegateOpenListener protocol) {
            decided = true;
            cancelSilence();
            ConduitStreamSourceChannel source = connection.getSourceChannel();
            source.suspendReads();
            source.getReadSetter().set(null);
            pooled.getBuffer().flip();
            // Both read the bytes handed in before the socket's, the HTTP/2 one the preface among them.
            protocol.handleEvent(connection, pooled);
        }

        /** A connection that said nothing (or only part of the preface) for too long. */
        void giveUp() {
            if (!decided) {
                close();
            }
        }

        private void close() {
            decided = true;
            cancelSilence();
            pooled.close();
            IoUtils.safeClose(connection);
        }

        private void cancelSilence() {
            XnioExecutor.Key key = silence;
            if (key != null) {
                key.remove();
            }
        }
    }
}
