package ${package};

import dev.baton.Baton;
import dev.baton.inject.RouteGroup;
import javax.inject.Inject;

/** A group of routes; Dagger creates it, passing whatever its constructor asks for. */
public final class GreetingRoutes implements RouteGroup {

    @Inject
    GreetingRoutes() {}

    @Override
    public void addTo(Baton app) {
        // Tells which generation answers: it goes up by one with each zero-downtime upgrade.
        app.get("/", ctx -> ctx.text("hello from ${artifactId}, gen " + app.generation() + "\n"));

        // JSON in, JSON out: {"to":"Ada"} -> 201 {"to":"Ada","text":"hello, Ada"}; {} -> 400 naming the field:
        // {"status":400,"title":"Bad Request","errors":{"to":["is required"]}}
        app.post("/greetings", ctx -> {
            Greeting greeting = ctx.bodyValidator(Greeting.class)
                    .check("to", g -> g.to() != null && !g.to().isBlank(), "is required")
                    .get();
            ctx.status(201).json(new Greeting(greeting.to(), "hello, " + greeting.to()));
        });
    }
}
