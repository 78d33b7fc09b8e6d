package dev.baton.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.util.Headers;
import dev.baton.config.BatonConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Baton serves sockets it did not let XNIO bind, through XNIO's package-private NIO server constructors. If an
 * XNIO upgrade moves them, this fails here, loudly, instead of in production at start-up.
 */
class XnioInternalsTest {

    @Test
    void theNioServerConstructorsBatonAdoptsSocketsWithExist() throws Exception {
        Class<?> worker = Class.forName("org.xnio.nio.NioXnioWorker");
        Class<?> tcpServer = Class.forName("org.xnio.nio.NioTcpServer");
        tcpServer.getDeclaredConstructor(worker, ServerSocketChannel.class, org.xnio.OptionMap.class, boolean.class);
        Class.forName("org.xnio.nio.QueuedNioTcpServer2").getDeclaredConstructor(tcpServer);
        assertTrue(java.util.concurrent.Executor.class.isAssignableFrom(worker.getDeclaredMethod("getAcceptThread").getReturnType()),
                "the accept thread HttpServer waits on before a drain counts connections");
        assertEquals("3.8.16.Final", org.xnio.Version.getVersionString(), "XNIO moved: re-check AdoptedTcpServer");
    }

    @Test
    void servesAChannelBoundOutsideXnioAndDrainsIt() throws Exception {
        ServerSocketChannel channel = ServerSocketChannel.open();
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        HttpServer server = HttpServer.start(channel, exchange -> {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
            exchange.getResponseSender().send("adopted");
        }, BatonConfig.defaults().with("ioThreads", "1").with("workerThreads", "2"));
        HttpClient client = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + server.port() + "/");
        assertEquals("adopted", client.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString()).body());
        HttpServer.DrainReport report = server.drain(Duration.ofSeconds(5), HttpServer.IDLE_BEFORE_CLOSE, () -> false);
        server.shutdown();
        assertEquals(0, report.cut());
        assertTrue(!channel.isOpen(), "the drain closes this process's copy of the listener");
    }
}
