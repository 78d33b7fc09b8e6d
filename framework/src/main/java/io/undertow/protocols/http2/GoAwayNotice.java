package io.undertow.protocols.http2;

import io.undertow.server.protocol.framed.SendFrameHeader;
import io.undertow.util.ImmediatePooledByteBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.xnio.ChannelListeners;

/**
 * A GOAWAY frame (NO_ERROR) that does not end the connection: Baton's drain sends it first with the last stream id
 * 2^31-1 ("no new streams, please"), then with the real one, while the streams in flight finish on the connection.
 * Undertow's own {@link Http2Channel#sendGoAway(int)} can do neither: its GOAWAY carries the real id at once, is the
 * connection's last frame (writes shut down after it) and closes the connection as soon as it is flushed, cutting
 * every stream still in flight.
 *
 * <p>It lives in Undertow's package because the frame classes' constructors are package-private; it goes out through
 * the channel's own frame queue, as Undertow's control frames do, so it never splits another frame. Pinned by
 * {@code dev.baton.server.UndertowHttp2InternalsTest}.
 */
public final class GoAwayNotice extends Http2NoDataStreamSinkChannel {

    /** The largest stream id, the first notice's: every stream the client has sent or is sending will be served. */
    public static final int ANY_STREAM = Integer.MAX_VALUE;

    private final int lastStreamId;

    private GoAwayNotice(Http2Channel channel, int lastStreamId) {
        super(channel);
        this.lastStreamId = lastStreamId;
    }

    /** Queues a GOAWAY with {@code lastStreamId} and NO_ERROR on {@code channel}, which stays open. */
    public static void send(Http2Channel channel, int lastStreamId) throws IOException {
        GoAwayNotice frame = new GoAwayNotice(channel, lastStreamId);
        frame.shutdownWrites();
        if (!frame.flush()) {
            frame.getWriteSetter().set(ChannelListeners.flushingChannelListener(null, null));
            frame.resumeWrites();
        }
    }

    @Override
    protected SendFrameHeader createFrameHeader() {
        ByteBuffer buf = ByteBuffer.allocate(17);
        Http2ProtocolUtils.putInt(buf, (8 << 8) | Http2Channel.FRAME_TYPE_GOAWAY); // length 8, type GOAWAY
        buf.put((byte) 0); // flags
        Http2ProtocolUtils.putInt(buf, 0); // stream 0: the connection
        Http2ProtocolUtils.putInt(buf, lastStreamId & 0x7fffffff);
        Http2ProtocolUtils.putInt(buf, Http2Channel.ERROR_NO_ERROR);
        buf.flip();
        return new SendFrameHeader(new ImmediatePooledByteBuffer(buf));
    }

    @Override
    protected boolean isLastFrame() {
        return false;
    }
}
