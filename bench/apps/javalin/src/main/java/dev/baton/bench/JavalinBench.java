package dev.baton.bench;

import io.javalin.Javalin;

/**
 * The peer of bench/run: Javalin (Jetty 12) on its defaults, answering the same bytes as the Baton app.
 * Javalin's handlers run on Jetty's thread pool and may block, like Baton's default handlers;
 * {@code -Dbench.virtualThreads=true} sets Javalin's {@code config.concurrency.useVirtualThreads} (Java 21+), which
 * runs them on virtual threads. {@code GET /blocking} sleeps 20 ms before it answers (a database call).
 */
public final class JavalinBench {

    /** The JSON body: {@code {"message":"Hello, World!"}} (Javalin's default mapper is Jackson). */
    public record Message(String message) {}

    private JavalinBench() {}

    public static void main(String[] args) {
        String host = System.getProperty("bench.host", "127.0.0.1");
        int port = Integer.getInteger("bench.port", 8080);
        Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = Boolean.getBoolean("bench.virtualThreads");
            config.routes.get("/plaintext", ctx -> ctx.contentType("text/plain; charset=utf-8").result("Hello, World!"));
            config.routes.get("/json", ctx -> ctx.json(new Message("Hello, World!")));
            config.routes.get("/blocking", ctx -> {
                Thread.sleep(20);
                ctx.contentType("text/plain; charset=utf-8").result("Hello, World!");
            });
        }).start(host, port);
    }
}
