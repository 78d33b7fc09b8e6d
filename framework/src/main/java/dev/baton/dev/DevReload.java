package dev.baton.dev;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.sse.ServerSentEventConnection;
import io.undertow.server.handlers.sse.ServerSentEventHandler;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.nio.charset.StandardCharsets;

/**
 * Pages that reload themselves after an upgrade, in dev mode only ({@code baton.dev=true}). Every {@code text/html}
 * answer gets a small script before its {@code </body>}; the script opens an event stream at {@link #PATH}, which
 * tells the pid of the generation that serves it. An upgrade ends the streams of the old generation when its drain
 * starts; the browser reconnects, now to the new generation, hears another pid and reloads the page. A page
 * served by a generation that is gone by the time its stream connects reloads at once, for the same reason.
 */
final class DevReload {

    static final String PATH = "/__baton/dev/reload";
    /** How long a browser waits before it reconnects a stream that ended: the hand-off is over by then. */
    static final long RETRY_MILLIS = 250;

    private final String pid;
    private final byte[] script;
    private final ServerSentEventHandler streams;
    private volatile boolean draining;

    DevReload(long pid) {
        this.pid = Long.toString(pid);
        this.script = script(this.pid).getBytes(StandardCharsets.UTF_8);
        this.streams = new ServerSentEventHandler(this::opened);
    }

    static String script(String pid) {
        return "<script data-baton-dev>(function(){if(!window.EventSource)return;var pid='" + pid + "';"
                + "var s=new EventSource('" + PATH + "');"
                + "s.onmessage=function(e){if(e.data!==pid){s.close();location.reload();}};})();</script>";
    }

    HttpHandler wrap(HttpHandler app) {
        return exchange -> {
            if (PATH.equals(exchange.getRequestPath())) {
                stream(exchange);
                return;
            }
            exchange.addResponseWrapper((factory, ex) -> {
                if (!injects(ex)) {
                    return factory.create();
                }
                // Longer by the script: the answer goes out chunked (or until the connection closes) instead
                ex.getResponseHeaders().remove(Headers.CONTENT_LENGTH);
                return new ScriptInjectingConduit(factory.create(), script);
            });
            app.handleRequest(exchange);
        };
    }

    private void stream(HttpServerExchange exchange) throws Exception {
        // The stream ends with its connection: a reconnection is a new connection, which only the generation
        // that accepts can take.
        exchange.setPersistent(false);
        if (draining || !Methods.GET.equals(exchange.getRequestMethod())) {
            // An empty stream that says when to come back: by then the next generation accepts.
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/event-stream; charset=UTF-8");
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
            exchange.getResponseSender().send("retry: " + RETRY_MILLIS + "\n\n");
            return;
        }
        streams.handleRequest(exchange);
    }

    private void opened(ServerSentEventConnection connection, String lastEventId) {
        connection.sendRetry(RETRY_MILLIS);
        connection.send(pid);
        if (draining) {
            connection.shutdown();
        }
    }

    /** The drain began: every browser's stream ends, so that it reconnects to the next generation. */
    void drain() {
        draining = true;
        for (ServerSentEventConnection connection : streams.getConnections()) {
            connection.shutdown();
        }
    }

    /** The next generation died on probation: this one serves again. */
    void resume() {
        draining = false;
    }

    /** An HTML page with a body, sent as it is (no other encoding to undo). */
    static boolean injects(HttpServerExchange exchange) {
        String type = exchange.getResponseHeaders().getFirst(Headers.CONTENT_TYPE);
        int status = exchange.getStatusCode();
        return type != null && type.regionMatches(true, 0, "text/html", 0, 9)
                && !Methods.HEAD.equals(exchange.getRequestMethod())
                && status >= 200 && status != 204 && status != 304
                && !exchange.getResponseHeaders().contains(Headers.CONTENT_ENCODING);
    }
}
