package dev.baton.ws;

import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.WebSocketChannel;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.Pooled;

/**
 * Reads one socket's frames on its IO thread, with Undertow's buffering of whole messages (pings are answered
 * there too), and hands each message to the app's callback. Reading pauses until the callback returned: that keeps
 * the order, and a slow app holds back its client instead of buffering without bound.
 *
 * <p>Once the server sent its close frame (a drain's 1012, the app's close), messages are no longer handed to the
 * app: an answer could not go out any more, and the client, which sees the close before any answer, must be able to
 * take such a message as not processed (and send it again, to the next generation) rather than lost or done twice.
 */
final class WsListener extends AbstractReceiveListener {

    /** How long a client has to answer the 1009 close before the connection is cut. */
    private static final long TOO_BIG_CLOSE_MILLIS = 1_000;

    private final WsConnection connection;
    private final long maxMessageSize;

    WsListener(WsConnection connection, long maxMessageSize) {
        this.connection = connection;
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    protected long getMaxTextBufferSize() {
        return maxMessageSize;
    }

    @Override
    protected long getMaxBinaryBufferSize() {
        return maxMessageSize;
    }

    @Override
    protected void onFullTextMessage(WebSocketChannel channel, BufferedTextMessage message) {
        String text = message.getData();
        channel.suspendReceives();
        connection.run(c -> {
            if (!channel.isCloseFrameSent()) {
                connection.endpoint().onMessage.handle(c, text);
            }
        }, () -> resume(channel));
    }

    @Override
    protected void onFullBinaryMessage(WebSocketChannel channel, BufferedBinaryMessage message) {
        Pooled<ByteBuffer[]> data = message.getData();
        byte[] bytes;
        try {
            ByteBuffer[] buffers = data.getResource();
            int size = 0;
            for (ByteBuffer buffer : buffers) {
                size += buffer.remaining();
            }
            bytes = new byte[size];
            int at = 0;
            for (ByteBuffer buffer : buffers) {
                int length = buffer.remaining();
                buffer.get(bytes, at, length);
                at += length;
            }
        } finally {
            data.free();
        }
        channel.suspendReceives();
        connection.run(c -> {
            if (!channel.isCloseFrameSent()) {
                connection.endpoint().onBinaryMessage.handle(c, bytes);
            }
        }, () -> resume(channel));
    }

    @Override
    protected void onCloseMessage(CloseMessage message, WebSocketChannel channel) {
        connection.clientClosed(message.getCode(), message.getReason());
    }

    @Override
    protected void onError(WebSocketChannel channel, Throwable error) {
        if (channel.isCloseFrameSent() && channel.isOpen()) {
            // Undertow sent 1009 (a message over baton.wsMaxMessageSize) and then failed the read: a close of the
            // server's own, not an error. The rest of that message is not worth reading; the connection ends soon.
            connection.serverClosed(1009, "message too big");
            channel.getIoThread().executeAfter(() -> IoUtils.safeClose(channel), TOO_BIG_CLOSE_MILLIS,
                    TimeUnit.MILLISECONDS);
            channel.suspendReceives();
            return;
        }
        WsConnection.LOG.debug("{}: {}", connection, error.toString());
        IoUtils.safeClose(channel);
        connection.run(c -> c.failed(error, false), null);
    }

    private static void resume(WebSocketChannel channel) {
        channel.getIoThread().execute(channel::resumeReceives);
    }
}
