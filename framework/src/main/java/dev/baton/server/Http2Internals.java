package dev.baton.server;

import io.undertow.protocols.http2.Http2Channel;
import java.lang.reflect.Method;
import org.slf4j.LoggerFactory;

/**
 * The one thing of Undertow's HTTP/2 that Baton reads and Undertow keeps private: the last stream id the peer opened
 * ({@code Http2Channel.getLastGoodStreamId()}, what Undertow itself puts in its GOAWAY). Baton's second GOAWAY
 * carries it while streams are still in flight. If an Undertow upgrade moved it, {@link #lastStreamId} says -1 and
 * the drain waits for the streams to finish and ends the connection with Undertow's own GOAWAY instead; and
 * {@code UndertowHttp2InternalsTest} fails, loudly.
 */
final class Http2Internals {

    private static final Method LAST_GOOD_STREAM_ID = find();

    private Http2Internals() {
    }

    private static Method find() {
        try {
            Method method = Http2Channel.class.getDeclaredMethod("getLastGoodStreamId");
            if (method.getReturnType() != int.class) {
                throw new NoSuchMethodException("getLastGoodStreamId returns " + method.getReturnType());
            }
            method.setAccessible(true);
            return method;
        } catch (NoSuchMethodException | RuntimeException e) {
            LoggerFactory.getLogger(HttpServer.class).warn("Undertow's Http2Channel changed shape ({}): HTTP/2 drains "
                    + "send one GOAWAY notice and end connections once their streams finished", e.toString());
            return null;
        }
    }

    /** Whether the internals are there: false means {@link #lastStreamId} always says -1. */
    static boolean available() {
        return LAST_GOOD_STREAM_ID != null;
    }

    /** The highest stream id {@code channel}'s peer has opened, or -1 when it cannot be read. */
    static int lastStreamId(Http2Channel channel) {
        if (LAST_GOOD_STREAM_ID == null) {
            return -1;
        }
        try {
            return (int) LAST_GOOD_STREAM_ID.invoke(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }
}
