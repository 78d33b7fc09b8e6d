package dev.baton.inject;

import dev.baton.Baton;

/**
 * A set of routes (and filters, exception handlers) that adds itself to the app. With Dagger, contribute each
 * group with {@code @Binds @IntoSet} (or {@code @Provides @IntoSet}); {@link BatonComponent#app()} adds them all.
 */
@FunctionalInterface
public interface RouteGroup {

    void addTo(Baton app);
}
