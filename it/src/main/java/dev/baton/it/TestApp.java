package dev.baton.it;

import dev.baton.Baton;
import dev.baton.config.BatonConfig;

/** The app the integration tests deploy and upgrade: says who answered, and can be slow on request. */
public final class TestApp {

    private TestApp() {}

    public static void main(String[] args) {
        serve(Baton.create());
    }

    private static void serve(Baton app) {
        long pid = ProcessHandle.current().pid();
        app.get("/", ctx -> ctx.text("gen " + app.generation() + " pid " + pid));
        app.get("/slow", ctx -> {
            Thread.sleep(Long.parseLong(ctx.queryParam("ms")));
            ctx.text("slow done by pid " + pid);
        });
        // WebSocketIT: each socket hears who it landed on, gets each message back with the count its socket has
        // handled so far, and on a drain learns how many that was in all, just before its 1012.
        app.ws("/ws", ws -> {
            ws.onConnect(c -> {
                c.attribute("handled", 0);
                c.send("{\"gen\":" + app.generation() + ",\"pid\":" + pid + "}");
            });
            ws.onMessage((c, text) -> {
                int handled = c.<Integer>attribute("handled") + 1;
                c.attribute("handled", handled);
                c.send("{\"echo\":\"" + text + "\",\"handled\":" + handled + "}");
            });
            ws.onDrain(c -> c.send("{\"type\":\"reconnect\",\"handled\":" + c.attribute("handled") + "}"));
        });
        String hold = System.getProperty("testApp.holdReadiness");
        if (hold != null) {
            // a readiness check that waits while the file exists: a probe the test keeps in flight
            app.readiness("hold", () -> {
                while (java.nio.file.Files.exists(java.nio.file.Path.of(hold))) {
                    Thread.sleep(10);
                }
                return true;
            });
        }
        String notReady = System.getProperty("testApp.notReadyWhile");
        if (notReady != null) {
            // a readiness check that fails while the file exists: an instance a balancer must take out
            java.nio.file.Path flag = java.nio.file.Path.of(notReady);
            app.readiness("flag", () -> !java.nio.file.Files.exists(flag));
        }
        app.start();
    }

    /** A release whose own configuration adds the admin listener, on the port -DtestApp.adminPort names. */
    public static final class WithAdmin {
        public static void main(String[] args) {
            serve(Baton.create(BatonConfig.load().with("admin", "127.0.0.1:" + System.getProperty("testApp.adminPort"))));
        }
    }

    /** A broken release: its main fails before the app starts. */
    public static final class MainThrows {
        public static void main(String[] args) {
            throw new IllegalStateException("broken on purpose");
        }
    }

    /** A broken release: its main forgets to start the app, so the JVM just ends. */
    public static final class MainReturns {
        public static void main(String[] args) {
            System.out.println("MainReturns: not starting anything");
        }
    }

    /**
     * A release that takes over, then dies (status 3, no drain) 300 ms later, as one whose lazy bean throws on its
     * first real traffic or whose first burst runs it out of memory.
     */
    public static final class DiesAfterTakingOver {
        public static void main(String[] args) throws InterruptedException {
            TestApp.main(args);
            Thread.sleep(300);
            Runtime.getRuntime().halt(3);
        }
    }

    /** A broken release: it starts, but one of its warm-up paths answers 500, so its self-check fails. */
    public static final class WarmUpFails {
        public static void main(String[] args) {
            Baton app = Baton.create();
            app.get("/", ctx -> ctx.text("gen " + app.generation()));
            app.get("/api/items", ctx -> {
                throw new IllegalStateException("the lazy bean that breaks on its first call");
            });
            app.warmUp("/", "/api/items").start();
        }
    }

    /** A broken release: its start-up never finishes. */
    public static final class NeverReady {
        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
