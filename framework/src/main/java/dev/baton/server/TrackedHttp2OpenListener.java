package dev.baton.server;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.protocols.http2.Http2Channel;
import io.undertow.server.ConnectorStatistics;
import io.undertow.server.DelegateOpenListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http2.Http2OpenListener;
import io.undertow.server.protocol.http2.Http2ReceiveListener;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;

/**
 * What Undertow's {@link Http2OpenListener} does (it is final), but the {@link Http2Channel} it opens is handed to
 * {@link Traffic} first, so that a drain can send it GOAWAY even before its first stream. Left out of Undertow's
 * version: connector statistics, and XNIO read/write timeouts (Baton has its own, beneath every protocol).
 */
final class TrackedHttp2OpenListener implements DelegateOpenListener {

    private final ByteBufferPool buffers;
    private final int bufferSize;
    private final Traffic traffic;
    private volatile OptionMap options;
    private volatile HttpHandler root;

    TrackedHttp2OpenListener(ByteBufferPool buffers, OptionMap options, Traffic traffic) {
        this.buffers = buffers;
        this.options = options;
        try (PooledByteBuffer buffer = buffers.allocate()) {
            this.bufferSize = buffer.getBuffer().remaining();
        }
        this.traffic = traffic;
    }

    @Override
    public void handleEvent(StreamConnection channel) {
        handleEvent(channel, null);
    }

    @Override
    public void handleEvent(StreamConnection channel, PooledByteBuffer buffer) {
        Http2Channel http2 = new Http2Channel(channel, Http2OpenListener.HTTP2, buffers, buffer, false, false, options);
        http2.getReceiveSetter().set(new Http2ReceiveListener(root, options, bufferSize, null));
        traffic.http2(channel, http2);
        http2.resumeReceives();
    }

    @Override
    public HttpHandler getRootHandler() {
        return root;
    }

    @Override
    public void setRootHandler(HttpHandler root) {
        this.root = root;
    }

    @Override
    public OptionMap getUndertowOptions() {
        return options;
    }

    @Override
    public void setUndertowOptions(OptionMap options) {
        this.options = options;
    }

    @Override
    public ByteBufferPool getBufferPool() {
        return buffers;
    }

    @Override
    public ConnectorStatistics getConnectorStatistics() {
        return null;
    }
}
