package dev.baton.testing;

import dev.baton.Baton;
import dev.baton.config.BatonConfig;
import java.util.function.Consumer;

/**
 * Runs an app for the length of a test, on a free port of 127.0.0.1, and stops it (with a drain) afterwards:
 *
 * <pre>{@code
 * BatonTest.run(app -> app.get("/", ctx -> ctx.text("hi")), client -> {
 *     assertEquals("hi", client.get("/").body());
 * });
 * }</pre>
 */
public final class BatonTest {

    /** What the body of a test does with the running app. */
    @FunctionalInterface
    public interface Body {
        void accept(TestClient client) throws Exception;
    }

    private BatonTest() {}

    /**
     * A configuration for tests: 127.0.0.1, a free port, no signal handlers (the test JVM keeps its own), a short
     * drain, and a warm-up that fetches each path once (a self-check, not a JIT warm-up). Defaults and
     * {@code -Dbaton.*} settings apply to the rest.
     */
    public static BatonConfig config() {
        return BatonConfig.load().with("host", "127.0.0.1").with("port", "0").with("signals", "false")
                .with("drainTimeout", "5s").with("warmUpTime", "1ms");
    }

    /** Builds an app on {@link #config()} with {@code routes}, runs {@code body} against it, stops it. */
    public static void run(Consumer<Baton> routes, Body body) throws Exception {
        Baton app = Baton.create(config());
        routes.accept(app);
        run(app, body);
    }

    /** Starts {@code app} (created with {@link #config()}), runs {@code body} against it, stops it. */
    public static void run(Baton app, Body body) throws Exception {
        if (app.config().signals() || app.config().port() != 0) {
            throw new IllegalArgumentException("create the app with BatonTest.config(): a test app needs a free port"
                    + " and must leave the test JVM's signals alone (baton.signals=false, baton.port=0)");
        }
        app.start();
        try {
            body.accept(new TestClient(app.port()));
        } finally {
            app.stop();
        }
    }
}
