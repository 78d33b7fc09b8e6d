package dev.baton.inject;

import dev.baton.Baton;
import java.util.Set;

/**
 * Extend this from the app's {@code @Component(modules = {BatonModule.class, ...})} interface:
 * {@code DaggerMyApp.create().app().start()}.
 */
public interface BatonComponent {

    Baton baton();

    Set<RouteGroup> routeGroups();

    /** The app with every contributed {@link RouteGroup} added, ready to start. */
    default Baton app() {
        Baton app = baton();
        routeGroups().forEach(group -> group.addTo(app));
        return app;
    }
}
