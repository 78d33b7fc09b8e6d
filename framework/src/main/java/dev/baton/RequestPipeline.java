package dev.baton;

import dev.baton.json.JsonMapper;
import dev.baton.ops.HttpMetrics;
import dev.baton.routing.RouteMatch;
import dev.baton.routing.Router;
import dev.baton.web.StaticHandler;
import io.undertow.server.Connectors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Methods;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import org.xnio.IoUtils;

/**
 * The one Undertow handler of a Baton app: routes, runs the filters that match and the handler (on a worker, or a
 * virtual thread with {@code baton.virtualThreads}, unless all of them are non-blocking), maps exceptions, then
 * writes the result.
 */
final class RequestPipeline implements HttpHandler {

    private final Router<Handler> router;
    private final Filters before;
    private final Filters after;
    private final ExceptionMapper errors;
    private final ErrorBodies bodies;
    private final JsonMapper json;
    /** Null when the app has none. */
    private final RequestLogger logger;
    private static final byte[] NO_BODY = new byte[0];
    /** When the request began, on the {@link System#nanoTime()} clock, for the request logger. */
    private static final AttachmentKey<Long> STARTED = AttachmentKey.create(Long.class);

    private final long maxBodySize;
    /** The app's static files, tried for a path no route matches; null when it has none. */
    private final StaticHandler statics;

    RequestPipeline(Router<Handler> router, Filters before, Filters after, ExceptionMapper errors, ErrorBodies bodies,
            JsonMapper json, long maxBodySize, RequestLogger logger, StaticHandler statics) {
        this.router = router;
        this.before = before;
        this.after = after;
        this.errors = errors;
        this.bodies = bodies;
        this.json = json;
        this.maxBodySize = maxBodySize;
        this.logger = logger;
        this.statics = statics;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (logger != null) {
            exchange.putAttachment(STARTED, System.nanoTime());
        }
        if (exchange.getRequestContentLength() > maxBodySize) {
            refuseBody(exchange);
            return;
        }
        RouteMatch<Handler> match = router.find(exchange.getRequestMethod().toString(), exchange.getRequestPath());
        if (match.kind() == RouteMatch.Kind.FOUND) {
            exchange.putAttachment(HttpMetrics.ROUTE, match.pattern());
        }
        if (match.kind() != RouteMatch.Kind.FOUND || exchange.isRequestComplete()) {
            // Nothing to receive, or nobody to receive it for: Undertow discards an unrouted body after the answer.
            run(exchange, match, NO_BODY);
            return;
        }
        // Received on the IO thread as it comes, so a slow or stalled body holds a buffer, not a worker; the
        // connection's read timeout cuts a stalled one (HttpServer).
        long expected = exchange.getRequestContentLength();
        ByteArrayOutputStream body = new ByteArrayOutputStream((int) Math.min(expected > 0 ? expected : 1024, 65_536));
        exchange.getRequestReceiver().receivePartialBytes((ex, chunk, last) -> {
            if (body.size() + (long) chunk.length > maxBodySize) {
                ex.getRequestReceiver().pause();
                refuseBody(ex);
                return;
            }
            body.writeBytes(chunk);
            if (last) {
                run(ex, match, body.toByteArray());
            }
        }, (ex, e) -> {
            // The client went away or was cut for stalling: there is nobody left to answer.
            ExceptionMapper.LOG.debug("{} {}: the request body did not arrive: {}", ex.getRequestMethod(),
                    ex.getRequestPath(), e.toString());
            IoUtils.safeClose(ex.getConnection());
        });
    }

    private void run(HttpServerExchange exchange, RouteMatch<Handler> match, byte[] body) {
        List<Handler> first = before.matching(exchange.getRequestPath());
        List<Handler> last = after.matching(exchange.getRequestPath());
        // Only the filters of this path count: one that guards /admin/* sends no other route to a worker.
        boolean inline = match.handler() instanceof Handler.NonBlocking && Filters.nonBlocking(first)
                && Filters.nonBlocking(last);
        if (inline) {
            serve(exchange, match, body, first, last);
        } else {
            // The server's executor for blocking handlers (virtual threads, see HandlerThreads), or null for XNIO's
            // worker pool. Named, not left to Undertow: it looks for it only when dispatch is called inside a call
            // to the root handler, which a body's arrival callback is today, but by no contract.
            exchange.dispatch(exchange.getDispatchExecutor(), new Serve(exchange, match, body, first, last));
        }
    }

    // Serve and Finish are classes rather than lambdas: a lambda is linked at its first call, and the first request
    // would wait for each (half a millisecond on JDK 25, more while the JVM starts).

    /** A blocking handler's exchange, served on the thread it was dispatched to. */
    private final class Serve implements Runnable {
        private final HttpServerExchange exchange;
        private final RouteMatch<Handler> match;
        private final byte[] body;
        private final List<Handler> first;
        private final List<Handler> last;

        Serve(HttpServerExchange exchange, RouteMatch<Handler> match, byte[] body, List<Handler> first,
                List<Handler> last) {
            this.exchange = exchange;
            this.match = match;
            this.body = body;
            this.first = first;
            this.last = last;
        }

        @Override
        public void run() {
            serve(exchange, match, body, first, last);
        }
    }

    /**
     * 413, before any more of the body is read. Undertow then reads and drops the rest of the body (a stall is cut
     * by the read timeout) and closes the connection: closing it with the body unread would send a reset, and a
     * client busy sending would see that instead of the 413.
     */
    private void refuseBody(HttpServerExchange exchange) {
        exchange.setPersistent(false);
        logWhenComplete(new Context(exchange, json, NO_BODY));
        bodies.send(exchange, 413, "request body is larger than " + maxBodySize + " bytes");
    }

    private void serve(HttpServerExchange exchange, RouteMatch<Handler> match, byte[] body, List<Handler> first,
            List<Handler> last) {
        Context ctx = new Context(exchange, json, body);
        logWhenComplete(ctx);
        if (match.kind() == RouteMatch.Kind.FOUND) {
            ctx.route(match.pattern(), match.pathParams()); // before the filters, which may want the route's params
        }
        boolean staticFile = false;
        try {
            for (Handler filter : first) {
                filter.handle(ctx);
            }
            staticFile = answer(ctx, match);
        } catch (Exception e) {
            errors.handle(e, ctx);
        }
        try {
            for (Handler filter : last) {
                filter.handle(ctx);
            }
        } catch (Exception e) {
            staticFile = false;
            errors.handle(e, ctx);
        }
        if (staticFile && ctx.result() == null && !exchange.isResponseStarted()) {
            // Filters ran as for a route (an auth filter guards files too), and their headers are kept. Undertow's
            // ResourceHandler then sends the file from here without blocking this thread: as a root handler, so
            // that its asynchronous writes and early returns (416) end the exchange as they do in Undertow.
            Connectors.executeRootHandler(statics, exchange);
            return;
        }
        send(exchange, ctx.result());
    }

    /**
     * Runs the route's handler, or answers 404/405/OPTIONS (for a static file too: GET, HEAD, OPTIONS); true when a
     * static file is to answer instead.
     */
    private boolean answer(Context ctx, RouteMatch<Handler> match) throws Exception {
        switch (match.kind()) {
            case FOUND -> match.handler().handle(ctx);
            case METHOD_NOT_ALLOWED -> allowOnly(ctx, match.allowedMethods());
            case NOT_FOUND -> {
                if (statics == null) {
                    throw new HttpException(404, "Not Found");
                }
                if (statics.find(ctx.undertowExchange())) {
                    return true;
                }
                if (!"GET".equals(ctx.method()) && !"HEAD".equals(ctx.method()) && statics.exists(ctx.path())) {
                    allowOnly(ctx, StaticHandler.METHODS);
                    return false;
                }
                throw new HttpException(404, "Not Found");
            }
        }
        return false;
    }

    /** Answers an OPTIONS with {@code methods} (204), and any other method not among them with 405. */
    private static void allowOnly(Context ctx, Set<String> methods) {
        ctx.header("Allow", String.join(", ", methods));
        if ("OPTIONS".equals(ctx.method())) {
            ctx.status(204);
        } else {
            throw new HttpException(405, "Method Not Allowed");
        }
    }

    /** Tells the request logger, if any, about the request once its response is complete. */
    private void logWhenComplete(Context ctx) {
        if (logger == null) {
            return;
        }
        ctx.undertowExchange().addExchangeCompleteListener((exchange, next) -> {
            try {
                logger.log(ctx, (System.nanoTime() - exchange.getAttachment(STARTED)) / 1e6);
            } catch (Exception e) {
                ExceptionMapper.LOG.warn("{} {}: the request logger failed", exchange.getRequestMethod(),
                        exchange.getRequestPath(), e);
            } finally {
                next.proceed();
            }
        });
    }

    private static void send(HttpServerExchange exchange, Object result) {
        if (exchange.isResponseStarted()) {
            return; // the handler wrote the response itself, through exchange()
        }
        if (result instanceof InputStream in && !Methods.HEAD.equals(exchange.getRequestMethod())) {
            stream(exchange, in);
            return;
        }
        if (result instanceof InputStream in) {
            Context.closeQuietly(in); // a HEAD answer has no body: the stream is never read, only closed
        }
        byte[] body = result instanceof byte[] bytes ? bytes : null;
        if (exchange.isInIoThread() || exchange.isBlocking()) {
            finish(exchange, body);
        } else {
            // Finished by the connection's IO thread, as if the handler had run there. Ended on another thread, the
            // exchange makes the IO thread spin: the client's next request, sent as soon as it read this answer, finds
            // Undertow's read listener taken by the ending thread, and the IO thread retries until that thread
            // (perhaps waiting for a core) lets go. Plaintext under wrk on 2 cores: 1.3 (worker pool) to 1.6 (virtual
            // threads) times the requests a second, about half the p99.
            exchange.getIoThread().execute(new Finish(exchange, body));
        }
    }

    /** An answer held in memory, finished on the connection's IO thread. */
    private static final class Finish implements Runnable {
        private final HttpServerExchange exchange;
        private final byte[] body;

        Finish(HttpServerExchange exchange, byte[] body) {
            this.exchange = exchange;
            this.body = body;
        }

        @Override
        public void run() {
            finish(exchange, body);
        }
    }

    /**
     * Sends {@code body} (none if null) through Undertow's asynchronous sender, unless the handler made the exchange
     * blocking: it writes the headers and the body at once, and a client slow to take them holds a write listener,
     * not a thread.
     */
    private static void finish(HttpServerExchange exchange, byte[] body) {
        if (body != null) {
            exchange.getResponseSender().send(ByteBuffer.wrap(body));
        } else {
            exchange.endExchange();
        }
    }

    private static void stream(HttpServerExchange exchange, InputStream in) {
        if (!exchange.isBlocking()) {
            exchange.startBlocking();
        }
        try (in; OutputStream out = exchange.getOutputStream()) {
            in.transferTo(out);
        } catch (Exception e) {
            // the status line is gone already: all that is left is to end the connection
            exchange.setPersistent(false);
            if (exchange.getConnection().isOpen()) {
                ExceptionMapper.LOG.warn("{} {}: streaming the response failed: {}", exchange.getRequestMethod(),
                        exchange.getRequestPath(), e.toString());
            } else {
                ExceptionMapper.LOG.debug("{} {}: the client went away during the response: {}",
                        exchange.getRequestMethod(), exchange.getRequestPath(), e.toString());
            }
        }
    }
}
