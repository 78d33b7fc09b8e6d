package ${package};

import dagger.Binds;
import dagger.Component;
import dagger.Module;
import dagger.multibindings.IntoSet;
import dev.baton.inject.BatonComponent;
import dev.baton.inject.BatonModule;
import dev.baton.inject.RouteGroup;
import javax.inject.Singleton;

/**
 * The app's object graph; Dagger generates {@code DaggerAppComponent} from it at compile time. {@link #app()}
 * is the Baton app with every route group below added.
 */
@Singleton
@Component(modules = {BatonModule.class, AppComponent.RouteGroups.class})
public interface AppComponent extends BatonComponent {

    /** Each route group of the app, bound into the set that {@link BatonComponent#app()} adds to the app. */
    @Module
    interface RouteGroups {
        @Binds
        @IntoSet
        RouteGroup greetings(GreetingRoutes routes);
    }
}
