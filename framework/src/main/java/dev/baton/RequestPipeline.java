package dev.baton;

import dev.baton.json.JsonMapper;
import dev.baton.routing.RouteMatch;
import dev.baton.routing.Router;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The one Undertow handler of a Baton app: routes, runs filters and the handler (on a worker unless the route
 * is non-blocking), maps exceptions, then writes the result.
 */
final class RequestPipeline implements HttpHandler {

    private final Router<Handler> router;
    private final List<Handler> before;
    private final List<Handler> after;
    private final ExceptionMapper errors;
    private final JsonMapper json;
    private final long maxBodySize;

    RequestPipeline(Router<Handler> router, List<Handler> before, List<Handler> after, ExceptionMapper errors,
            JsonMapper json, long maxBodySize) {
        this.router = router;
        this.before = List.copyOf(before);
        this.after = List.copyOf(after);
        this.errors = errors;
        this.json = json;
        this.maxBodySize = maxBodySize;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (exchange.getRequestContentLength() > maxBodySize) {
            // Refused before a byte of it is read. Undertow then discards the body to keep the connection, or
            // closes it when the body is beyond even what it is willing to discard (HttpServer).
            exchange.setStatusCode(413);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
            exchange.getResponseSender().send("request body is larger than " + maxBodySize + " bytes");
            return;
        }
        RouteMatch<Handler> match = router.find(exchange.getRequestMethod().toString(), exchange.getRequestPath());
        boolean inline = match.handler() instanceof Handler.NonBlocking && before.isEmpty() && after.isEmpty();
        if (inline) {
            serve(exchange, match);
        } else {
            exchange.dispatch(() -> {
                exchange.startBlocking();
                serve(exchange, match);
            });
        }
    }

    private void serve(HttpServerExchange exchange, RouteMatch<Handler> match) {
        Context ctx = new Context(exchange, json, maxBodySize);
        try {
            for (Handler filter : before) {
                filter.handle(ctx);
            }
            answer(ctx, match);
        } catch (Exception e) {
            errors.handle(e, ctx);
        }
        try {
            for (Handler filter : after) {
                filter.handle(ctx);
            }
        } catch (Exception e) {
            errors.handle(e, ctx);
        }
        send(exchange, ctx.result());
    }

    private static void answer(Context ctx, RouteMatch<Handler> match) throws Exception {
        switch (match.kind()) {
            case FOUND -> {
                ctx.route(match.pattern(), match.pathParams());
                match.handler().handle(ctx);
            }
            case METHOD_NOT_ALLOWED -> {
                ctx.header("Allow", String.join(", ", match.allowedMethods()));
                if ("OPTIONS".equals(ctx.method())) {
                    ctx.status(204);
                } else {
                    throw new HttpException(405, "Method Not Allowed");
                }
            }
            case NOT_FOUND -> throw new HttpException(404, "Not Found");
        }
    }

    private static void send(HttpServerExchange exchange, Object result) {
        if (exchange.isResponseStarted()) {
            return; // the handler wrote the response itself, through exchange()
        }
        if (result instanceof byte[] bytes) {
            exchange.getResponseSender().send(ByteBuffer.wrap(bytes));
        } else if (result instanceof InputStream in) {
            try (in; OutputStream out = exchange.getOutputStream()) {
                in.transferTo(out);
            } catch (Exception e) {
                // the status line is gone already: all that is left is to end the connection
                exchange.setPersistent(false);
                ExceptionMapper.LOG.warn("{} {}: streaming the response failed: {}", exchange.getRequestMethod(),
                        exchange.getRequestPath(), e.toString());
            }
        } else {
            exchange.endExchange();
        }
    }
}
