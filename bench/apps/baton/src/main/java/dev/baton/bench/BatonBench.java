package dev.baton.bench;

import dev.baton.Baton;
import dev.baton.Handler;

/**
 * The Baton side of bench/run: the hello example's shape ({@code ctx.text}) plus a JSON route, answering the same
 * bytes as the raw Undertow and Javalin apps. Configured like any Baton app ({@code -Dbaton.host}, {@code -Dbaton.port});
 * {@code -Dbench.nonBlocking=true} wraps both handlers in {@link Handler#nonBlocking} (run on the IO thread), otherwise
 * they are Baton's default: dispatched to the worker pool, or to virtual threads ({@code -Dbaton.virtualThreads}).
 * {@code GET /blocking} sleeps 20 ms before it answers, as a handler waiting for a database would: always a blocking
 * handler.
 */
public final class BatonBench {

    /** The JSON body: {@code {"message":"Hello, World!"}}. */
    public record Message(String message) {}

    private BatonBench() {}

    public static void main(String[] args) {
        boolean nonBlocking = Boolean.getBoolean("bench.nonBlocking");
        Handler plaintext = ctx -> ctx.text("Hello, World!");
        Handler json = ctx -> ctx.json(new Message("Hello, World!"));
        Baton app = Baton.create();
        app.get("/plaintext", nonBlocking ? Handler.nonBlocking(plaintext) : plaintext);
        app.get("/json", nonBlocking ? Handler.nonBlocking(json) : json);
        app.get("/blocking", ctx -> {
            Thread.sleep(20);
            ctx.text("Hello, World!");
        });
        app.start();
    }
}
