package dev.baton.inject;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.Multibinds;
import dev.baton.Baton;
import dev.baton.config.BatonConfig;
import dev.baton.json.JacksonJsonMapper;
import dev.baton.json.JsonMapper;
import java.util.Set;
import javax.inject.Singleton;

/**
 * What Baton owns, for an app's Dagger component: the configuration, the JSON mapper and the {@link Baton} app
 * itself (which tells its generation once started). Dagger creates it with {@link #BatonModule()}; a test passes
 * its own configuration with {@code builder().batonModule(new BatonModule(BatonTest.config()))}.
 */
@Module(includes = BatonModule.Declarations.class)
public final class BatonModule {

    private final BatonConfig config;

    /** Configuration from {@code -Dbaton.*}, {@code BATON_*} and defaults. */
    public BatonModule() {
        this(BatonConfig.load());
    }

    public BatonModule(BatonConfig config) {
        this.config = config;
    }

    @Provides
    @Singleton
    BatonConfig config() {
        return config;
    }

    @Provides
    @Singleton
    static JsonMapper json() {
        return new JacksonJsonMapper();
    }

    @Provides
    @Singleton
    static Baton baton(BatonConfig config, JsonMapper json) {
        return Baton.create(config).json(json);
    }

    /** Lets an app without route groups (yet) still compile. */
    @Module
    public interface Declarations {
        @Multibinds
        Set<RouteGroup> routeGroups();
    }
}
