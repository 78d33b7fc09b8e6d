package dev.baton.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;

/**
 * The floor of bench/run: a plain Undertow {@link HttpHandler} on {@code Undertow.builder()} defaults (IO threads =
 * cores, workers = 8 per IO thread, as Baton), no router, answering the same bytes as the Baton app. By default the
 * handler runs on the IO thread; {@code -Dbench.dispatch=true} wraps it in Undertow's {@link BlockingHandler}
 * (dispatch to a worker + blocking mode), which is what Baton does for a default (blocking) handler.
 * {@code GET /blocking} sleeps 20 ms before it answers (a database call); on the IO thread it first dispatches itself
 * to a worker, as an Undertow handler that blocks must.
 */
public final class UndertowBench {

    /** The JSON body: {@code {"message":"Hello, World!"}}. */
    public record Message(String message) {}

    /** Built on first use, as Baton's default mapper is: Jackson's classes are not part of the start-up. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private UndertowBench() {}

    public static void main(String[] args) {
        // Undertow and XNIO log through jboss-logging, which picks java.util.logging unless told; Baton points it at
        // SLF4J (slf4j-simple here as there), so both start with the same logging.
        System.setProperty("org.jboss.logging.provider", "slf4j");
        String host = System.getProperty("bench.host", "127.0.0.1");
        int port = Integer.getInteger("bench.port", 8080);
        HttpHandler handler = UndertowBench::handle;
        if (Boolean.getBoolean("bench.dispatch")) {
            handler = new BlockingHandler(handler);
        }
        Undertow server = Undertow.builder().addHttpListener(port, host).setHandler(handler).build();
        server.start();
        System.out.println("undertow listening on " + host + ":" + port);
    }

    private static void blocking(HttpServerExchange exchange) throws InterruptedException {
        Thread.sleep(20);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send("Hello, World!");
    }

    private static void handle(HttpServerExchange exchange) throws JsonProcessingException, InterruptedException {
        switch (exchange.getRequestPath()) {
            case "/plaintext" -> {
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
                exchange.getResponseSender().send("Hello, World!");
            }
            case "/json" -> {
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                exchange.getResponseSender().send(ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(new Message("Hello, World!"))));
            }
            case "/blocking" -> {
                if (exchange.isInIoThread()) {
                    exchange.dispatch(UndertowBench::blocking);
                } else {
                    blocking(exchange);
                }
            }
            default -> exchange.setStatusCode(404).endExchange();
        }
    }
}
