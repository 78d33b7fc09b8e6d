package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.inject.BatonModule;
import dev.baton.testing.BatonTest;
import org.junit.jupiter.api.Test;

/** The app as Dagger wires it, served on a free port of 127.0.0.1 for each test. */
class AppTest {

    private static AppComponent app() {
        return DaggerAppComponent.builder().batonModule(new BatonModule(BatonTest.config())).build();
    }

    @Test
    void getAnswersWithTheGeneration() throws Exception {
        BatonTest.run(app().app(), client -> {
            var response = client.get("/");
            assertEquals(200, response.statusCode());
            assertEquals("hello from ${artifactId}, gen 1\n", response.body());
        });
    }

    @Test
    void postGreetsInJson() throws Exception {
        BatonTest.run(app().app(), client -> {
            var response = client.post("/greetings", "{\"to\":\"Ada\"}");
            assertEquals(201, response.statusCode());
            assertEquals("{\"to\":\"Ada\",\"text\":\"hello, Ada\"}", response.body());
        });
    }

    @Test
    void postWithoutWhomToGreetIsABadRequest() throws Exception {
        BatonTest.run(app().app(), client -> {
            var missing = client.post("/greetings", "{}");
            assertEquals(400, missing.statusCode());
            assertEquals("{\"status\":400,\"title\":\"Bad Request\",\"errors\":{\"to\":[\"is required\"]}}", missing.body());
            assertEquals(400, client.post("/greetings", "{not json").statusCode());
            assertEquals(400, client.post("/greetings", "{\"to\":42}").statusCode(), "a number is no name");
        });
    }
}
