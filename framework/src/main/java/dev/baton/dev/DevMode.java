package dev.baton.dev;

import dev.baton.config.BatonConfig;
import io.undertow.server.HttpHandler;
import java.util.List;
import java.util.OptionalLong;

/**
 * What {@code baton:dev} (the Maven plugin's dev loop) turns on in the app, and nothing else does: with
 * {@code baton.dev=true}, pages reload themselves after each upgrade ({@link DevReload}); with
 * {@code baton.ownerPid}, each generation stops when the process that started the first one ends
 * ({@link OwnerWatch}). Both are off by default, so a production process never has either.
 */
public final class DevMode {

    private DevMode() {}

    /**
     * The handler to serve: {@code app} itself unless {@code baton.dev} is on. Adds what dev mode needs to the
     * drain and resume callbacks, and starts watching {@code baton.ownerPid} when set.
     */
    public static HttpHandler wrap(BatonConfig config, HttpHandler app, List<Runnable> drainCallbacks,
            List<Runnable> resumeCallbacks) {
        if (config.signals() && !config.train()) {
            OptionalLong owner = config.ownerPid();
            if (owner.isPresent()) {
                OwnerWatch.start(owner.getAsLong());
            }
        }
        if (!config.dev() || config.train()) {
            return app;
        }
        DevReload reload = new DevReload(ProcessHandle.current().pid());
        // First: the browsers' streams end before anything else of the drain, so that they reconnect at once
        drainCallbacks.add(0, reload::drain);
        resumeCallbacks.add(reload::resume);
        return reload.wrap(app);
    }
}
