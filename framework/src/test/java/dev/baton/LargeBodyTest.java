package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.testing.BatonTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** A body under baton.maxBodySize is received whole, however much larger than Undertow's own default limit. */
class LargeBodyTest {

    @Test
    void aFiveMegabyteBodyUnderTheLimitIsReceivedWhole() throws Exception {
        BatonTest.run(app -> app.post("/length", ctx -> ctx.text(Integer.toString(ctx.bodyBytes().length))), client -> {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + client.port() + "/length"))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[5_000_000])).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("5000000", response.body());
        });
    }
}
