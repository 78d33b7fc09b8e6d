package dev.baton.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dagger.Binds;
import dagger.Component;
import dagger.Module;
import dagger.multibindings.IntoSet;
import dev.baton.Baton;
import dev.baton.config.BatonConfig;
import dev.baton.json.JsonMapper;
import dev.baton.testing.BatonTest;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.junit.jupiter.api.Test;

/** An app wired by Dagger at compile time: route groups collected into a set, Baton's own parts injected. */
class InjectTest {

    static final class Greeter {
        @Inject
        Greeter() {}

        String greet(String name) {
            return "hello " + name;
        }
    }

    static final class GreetingRoutes implements RouteGroup {
        private final Greeter greeter;
        private final Baton app;
        private final BatonConfig config;

        @Inject
        GreetingRoutes(Greeter greeter, Baton app, BatonConfig config, JsonMapper json) {
            this.greeter = greeter;
            this.app = app;
            this.config = config;
        }

        @Override
        public void addTo(Baton app) {
            app.get("/greet/{name}", ctx -> ctx.text(greeter.greet(ctx.pathParam("name"))));
            app.get("/generation", ctx -> ctx.text("gen " + this.app.generation() + " signals=" + config.signals()));
        }
    }

    @Module
    interface Routes {
        @Binds
        @IntoSet
        RouteGroup greetings(GreetingRoutes routes);
    }

    @Singleton
    @Component(modules = {BatonModule.class, Routes.class})
    interface GreetingApp extends BatonComponent {}

    @Singleton
    @Component(modules = BatonModule.class)
    interface EmptyApp extends BatonComponent {}

    @Test
    void routeGroupsAreCollectedAndBatonsPartsInjected() throws Exception {
        GreetingApp component = DaggerInjectTest_GreetingApp.builder().batonModule(new BatonModule(BatonTest.config())).build();
        BatonTest.run(component.app(), client -> {
            assertEquals("hello ada", client.get("/greet/ada").body());
            assertEquals("gen 1 signals=false", client.get("/generation").body());
        });
    }

    @Test
    void anAppWithoutRouteGroupsStillWires() throws Exception {
        EmptyApp component = DaggerInjectTest_EmptyApp.builder().batonModule(new BatonModule(BatonTest.config())).build();
        BatonTest.run(component.app(), client -> assertEquals(404, client.get("/").statusCode()));
    }
}
