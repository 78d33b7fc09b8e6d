package dev.baton.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.protocols.http2.Http2Channel;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

/**
 * Baton's HTTP/2 drain leans on Undertow's internals in two places: {@code io.undertow.protocols.http2.GoAwayNotice}
 * subclasses the package-private frame sink (a change there breaks the build), and {@link Http2Internals} reads
 * {@code Http2Channel}'s private last stream id. If an Undertow upgrade moves either, this fails here, loudly, and
 * {@code Http2DrainTest} shows what the drain does on the wire.
 */
class UndertowHttp2InternalsTest {

    @Test
    void theLastStreamIdBatonsSecondGoAwayCarriesIsReadable() throws Exception {
        assertTrue(Http2Internals.available(), "Http2Channel.getLastGoodStreamId() moved: re-check Http2Internals");
        Method method = Http2Channel.class.getDeclaredMethod("getLastGoodStreamId");
        assertEquals(int.class, method.getReturnType());
        assertTrue(Modifier.isSynchronized(method.getModifiers()), "read under the channel's lock, as Undertow writes it");
        assertEquals("2.4.4.Final", io.undertow.Version.getVersionString(), "Undertow moved: re-check GoAwayNotice and Http2Internals");
    }

    @Test
    void undertowsOwnGoAwayIsStillTheLastFrameSoBatonsNoticeIsStillNeeded() throws Exception {
        // Were Undertow to send a GOAWAY that leaves the connection open, GoAwayNotice could go.
        Class<?> goAway = Class.forName("io.undertow.protocols.http2.Http2GoAwayStreamSinkChannel");
        Method last = goAway.getDeclaredMethod("isLastFrame");
        assertFalse(Modifier.isPublic(goAway.getModifiers()));
        assertEquals(boolean.class, last.getReturnType());
    }
}
