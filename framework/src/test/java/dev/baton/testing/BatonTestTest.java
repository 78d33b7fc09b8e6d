package dev.baton.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.Baton;
import dev.baton.config.BatonConfig;
import java.net.ConnectException;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BatonTestTest {

    @Test
    void runsTheAppForTheTestThenStopsIt() throws Exception {
        AtomicInteger port = new AtomicInteger();
        // tag::batontest[]
        BatonTest.run(app -> app.get("/", ctx -> ctx.text("hi")).post("/echo", ctx -> ctx.text(ctx.body())), client -> {
            port.set(client.port());
            assertEquals("hi", client.get("/").body());
            assertEquals("{\"a\":1}", client.post("/echo", "{\"a\":1}").body());
            assertEquals(405, client.delete("/").statusCode());
        });
        // end::batontest[]
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port.get()).close(), "stopped after the test");
    }

    @Test
    void sendsHeadersAndBodiesOfAnyType() throws Exception {
        // tag::headers[]
        BatonTest.run(app -> app.post("/notes", ctx -> ctx.text(ctx.header("Content-Type") + ": " + ctx.body()))
                .get("/me", ctx -> ctx.text("token " + ctx.header("Authorization"))), client -> {
            assertEquals("text/plain: hi", client.post("/notes", "hi", Map.of("Content-Type", "text/plain")).body());
            assertEquals("token t1", client.get("/me", Map.of("Authorization", "t1")).body());
            assertEquals(405, client.request("PUT", "/me", "x", Map.of()).statusCode());
        });
        // end::headers[]
    }

    @Test
    void stopsAtOnceWhenNothingIsInFlight() throws Exception {
        long[] stopping = new long[1];
        BatonTest.run(app -> app.get("/", ctx -> ctx.text("hi")), client -> {
            assertEquals("hi", client.get("/").body()); // leaves a kept-alive connection open
            stopping[0] = System.nanoTime();
        });
        long millis = (System.nanoTime() - stopping[0]) / 1_000_000;
        assertTrue(millis < 500, "stopped in " + millis + " ms: no wait for the idle connection to age");
    }

    @Test
    void refusesAnAppThatWouldTakeTheTestJvmsSignals() {
        Baton app = Baton.create(BatonConfig.defaults());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BatonTest.run(app, client -> {}));
        assertTrue(e.getMessage().contains("BatonTest.config()"), e.getMessage());
    }
}
