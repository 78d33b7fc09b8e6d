package dev.baton;

import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigException;
import dev.baton.dev.DevMode;
import dev.baton.json.JacksonJsonMapper;
import dev.baton.json.JsonMapper;
import dev.baton.ops.AccessLog;
import dev.baton.ops.Generation;
import dev.baton.ops.HttpMetrics;
import dev.baton.ops.Metrics;
import dev.baton.ops.OpsHandler;
import dev.baton.ops.Readiness;
import dev.baton.routing.Router;
import dev.baton.routing.RouteMatch;
import dev.baton.runtime.Lifecycle;
import dev.baton.server.XnioSetup;
import dev.baton.web.Compression;
import dev.baton.web.Cors;
import dev.baton.web.CorsHandler;
import dev.baton.web.StaticFiles;
import dev.baton.web.StaticHandler;
import dev.baton.ws.WsEndpoint;
import dev.baton.ws.WsSockets;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.ResponseCodeHandler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A Baton app: register routes, then {@link #start()}.
 *
 * <pre>{@code
 * Baton app = Baton.create();
 * app.get("/", ctx -> ctx.text("hello"));
 * app.start();
 * }</pre>
 *
 * Once started, the app upgrades itself without downtime on SIGUSR2 and drains on SIGTERM (see the runtime docs).
 */
public final class Baton implements Routes<Baton> {

    private final BatonConfig config;
    private final Router<Handler> router = new Router<>();
    private final Filters before = new Filters();
    private final Filters after = new Filters();
    private final Map<Class<? extends Exception>, ExceptionHandler<? extends Exception>> exceptionHandlers =
            new LinkedHashMap<>();
    private final List<Runnable> drainCallbacks = new ArrayList<>();
    private final List<Runnable> resumeCallbacks = new ArrayList<>();
    private final List<String> warmUp = new ArrayList<>();
    private final Map<String, Readiness.Check> readinessChecks = new LinkedHashMap<>();
    private final List<StaticFiles> staticFiles = new ArrayList<>();
    private Cors cors;
    private JsonMapper json;
    private boolean jsonErrors;
    private RequestLogger requestLogger;
    private MeterRegistry meterRegistry;
    private Lifecycle lifecycle;
    /** The app's WebSockets, once it has a route for them. */
    private WsSockets webSockets;

    private Baton(BatonConfig config) {
        this.config = config;
        XnioSetup.begin(); // while the app declares its routes and takes its listener
    }

    /** An app configured from {@code -Dbaton.*} properties, {@code BATON_*} environment variables and defaults. */
    public static Baton create() {
        return new Baton(BatonConfig.load());
    }

    public static Baton create(BatonConfig config) {
        return new Baton(config);
    }

    @Override
    public Baton route(String method, String pattern, Handler handler) {
        requireNotStarted();
        router.add(method, pattern, handler);
        return this;
    }

    /**
     * Serves server-sent events on GET {@code pattern}. {@code onOpen} gets each client once its stream is open;
     * it runs where blocking handlers do (see {@link Handler}) and may block. The stream stays open after it
     * returns, until {@link SseClient#close()}, the client leaves, or the drain deadline. An {@link #onDrain} callback is where the app tells its clients to
     * reconnect (to the next generation, on an upgrade); a stream that opens once the drain began ends at once.
     */
    public Baton sse(String pattern, Consumer<SseClient> onOpen) {
        SseRoute route = new SseRoute(onOpen);
        get(pattern, route);
        // Ahead of the app's callbacks: once they look for clients to send away, no stream opens here any more.
        drainCallbacks.add(0, route::drain);
        resumeCallbacks.add(route::resume);
        return this;
    }

    /**
     * Serves WebSockets on {@code pattern} (path parameters as in any route); {@code setup} sets what each socket
     * does, see {@link WsEndpoint}. The before-filters run on the upgrade request and can refuse it. When the
     * generation drains, each open socket gets 1012 (Service Restart) at a moment of its own within
     * {@code baton.wsCloseSpread}, after its {@link WsEndpoint#onDrain} callback; its client reconnects to the next
     * generation, as upgrades are refused here (503) from then on.
     */
    public Baton ws(String pattern, Consumer<WsEndpoint> setup) {
        requireNotStarted();
        if (webSockets == null) {
            webSockets = new WsSockets(config);
            // Ahead of the app's callbacks, as with SSE: once they run, no socket opens here any more.
            drainCallbacks.add(0, () -> webSockets.drain(generation(), ProcessHandle.current().pid()));
            resumeCallbacks.add(webSockets::resume);
        }
        get(pattern, webSockets.route(setup));
        return this;
    }

    /**
     * Serves the files of the classpath folder {@code folder} (in the jar: {@code src/main/resources/public} is
     * {@code "public"}) under {@code prefix}: {@code app.staticFiles("/", "public")}. A route matching a path wins
     * over a file; the before-filters run for files as for routes. See {@link StaticFiles} for the options.
     */
    public Baton staticFiles(String prefix, String folder) {
        return staticFiles(prefix, folder, options -> {});
    }

    /** {@link #staticFiles(String, String)} with options: {@code s -> s.cacheControl("max-age=3600")}. */
    public Baton staticFiles(String prefix, String folder, Consumer<StaticFiles> options) {
        return addStaticFiles(StaticFiles.classpath(prefix, folder), options);
    }

    /** Serves the files of {@code directory} (which must exist at start) under {@code prefix}. */
    public Baton staticFiles(String prefix, Path directory) {
        return staticFiles(prefix, directory, options -> {});
    }

    /** {@link #staticFiles(String, Path)} with options. */
    public Baton staticFiles(String prefix, Path directory, Consumer<StaticFiles> options) {
        return addStaticFiles(StaticFiles.directory(prefix, directory), options);
    }

    private Baton addStaticFiles(StaticFiles files, Consumer<StaticFiles> options) {
        requireNotStarted();
        options.accept(files); // several folders may share a prefix: the first registered that has a file serves it
        staticFiles.add(files);
        return this;
    }

    /**
     * Answers cross-origin requests as {@code config} allows: {@code app.cors(c -> c.allowOrigin("https://app.example")
     * .allowCredentials())}. Preflights are answered before the filters, with the methods of the path's routes.
     */
    public Baton cors(Consumer<Cors> config) {
        requireNotStarted();
        this.cors = Cors.of(config);
        return this;
    }

    /**
     * Runs {@code filter} before the handler of every request, in the order added. A filter makes the requests it
     * runs for go to a worker (see {@link Handler}) unless it is {@link Handler#nonBlocking} too.
     */
    public Baton before(Handler filter) {
        return before(null, filter);
    }

    /**
     * Runs {@code filter} before the handler of the requests whose path {@code pattern} matches, in the syntax of
     * routes: {@code before("/admin/*", ...)} for {@code /admin} and everything under it. Requests to other paths
     * never see it, nor does it move them to a worker.
     */
    public Baton before(String pattern, Handler filter) {
        requireNotStarted();
        before.add(pattern, Objects.requireNonNull(filter, "filter"));
        return this;
    }

    /** Runs {@code filter} after the handler (and any exception handler) of every request. */
    public Baton after(Handler filter) {
        return after(null, filter);
    }

    /** Runs {@code filter} after the handler of the requests whose path {@code pattern} matches (see {@link #before}). */
    public Baton after(String pattern, Handler filter) {
        requireNotStarted();
        after.add(pattern, Objects.requireNonNull(filter, "filter"));
        return this;
    }

    /**
     * Answers exceptions of {@code type} (and its subclasses without a handler of their own). A second handler for
     * the same type throws, as a second route for the same method and pattern does.
     */
    public <E extends Exception> Baton exception(Class<E> type, ExceptionHandler<? super E> handler) {
        requireNotStarted();
        if (exceptionHandlers.containsKey(type)) {
            throw new IllegalStateException("duplicate exception handler: " + type.getName() + " has one already");
        }
        exceptionHandlers.put(type, Objects.requireNonNull(handler, "handler"));
        return this;
    }

    /**
     * Baton's own error answers (404, 405, 413, 500, an unmapped {@link HttpException}) as RFC 9457 problem details,
     * {@code {"status":404,"title":"Not Found"}} in {@code application/problem+json}, instead of plain text.
     */
    public Baton jsonErrors() {
        requireNotStarted();
        jsonErrors = true;
        return this;
    }

    /** Tells {@code logger} about each request once its response is complete; one per app. */
    public Baton requestLogger(RequestLogger logger) {
        requireNotStarted();
        if (requestLogger != null) {
            throw new IllegalStateException("the app has a request logger already: one logger may do several things");
        }
        requestLogger = Objects.requireNonNull(logger, "logger");
        return this;
    }

    /** Replaces the JSON mapper ({@link JacksonJsonMapper} by default). */
    public Baton json(JsonMapper mapper) {
        requireNotStarted();
        this.json = mapper;
        return this;
    }

    /**
     * Runs {@code callback} when this generation starts draining (a newer one took over, or the process is
     * stopping): the moment to tell clients of long-lived responses (SSE, streams) to reconnect.
     */
    public Baton onDrain(Runnable callback) {
        requireNotStarted();
        drainCallbacks.add(callback);
        return this;
    }

    /**
     * Paths (with a query string if need be, e.g. {@code /api/items?limit=10}) that each generation GETs from
     * itself, again and again for up to {@code baton.warmUpTime}, before it takes any real traffic: the JIT has
     * compiled them by then. An answer of 5xx, or none, fails the start: a new generation then never takes over,
     * and the one serving keeps the service.
     */
    public Baton warmUp(String... paths) {
        requireNotStarted();
        for (String path : paths) {
            if (path == null || !path.startsWith("/")) {
                throw new IllegalArgumentException("a warm-up path starts with /: " + path);
            }
            warmUp.add(path);
        }
        return this;
    }

    /**
     * A readiness check of the app's own, run by each probe of {@code <baton.opsPath>/health/ready} (with the
     * others, at once, bounded together by {@code baton.readinessTimeout}): true when ready, false or an exception
     * when not, e.g. {@code app.readiness("db", () -> dataSource.getConnection().isValid(1))}. A check that has not
     * returned since an earlier probe is not started again.
     */
    public Baton readiness(String name, Readiness.Check check) {
        requireNotStarted();
        if (name == null || name.isBlank() || readinessChecks.containsKey(name)) {
            throw new IllegalArgumentException("a readiness check needs a name of its own: " + name);
        }
        readinessChecks.put(name, Objects.requireNonNull(check, "check"));
        return this;
    }

    /**
     * Binds Baton's meters (requests by route and status, upgrades, hand-offs, drains: see {@code baton.metrics})
     * to the app's own registry as well. When it is a {@code PrometheusMeterRegistry} (or a composite holding one),
     * {@code <opsPath>/metrics} shows it, with the app's own meters; otherwise that endpoint shows Baton's and the
     * JVM's. Only Baton's counts carry over from one generation to the next.
     */
    public Baton metrics(MeterRegistry registry) {
        requireNotStarted();
        this.meterRegistry = Objects.requireNonNull(registry, "registry");
        return this;
    }

    /** Opens or inherits the listener, serves, and (in a process of its own) takes over from a parent generation. */
    public Baton start() {
        requireNotStarted();
        JsonMapper mapper = json != null ? json : new JacksonJsonMapper();
        ErrorBodies errorBodies = new ErrorBodies(mapper, jsonErrors);
        StaticHandler statics = staticFiles.isEmpty() ? null : new StaticHandler(staticFiles, classLoader());
        HttpHandler app = new RequestPipeline(router, before, after, new ExceptionMapper(exceptionHandlers, errorBodies),
                errorBodies, mapper, config.maxBodySize(), requestLogger, statics);
        if (cors != null) {
            app = new CorsHandler(cors, path -> allowedMethods(path, statics), app);
        }
        // Known before the first request: handlers may ask for the generation while the hand-off is still on.
        HttpHandler root = DevMode.wrap(config, app, drainCallbacks, resumeCallbacks); // baton:dev only
        if (config.compression()) { // outside dev mode's script injection, which must see the page uncompressed
            root = Compression.wrap(root, config.compressionMinSize());
        }
        if (config.admin().isPresent() && config.opsPath().isEmpty()) {
            throw new ConfigException("baton.admin", "baton.admin: the admin listener serves the operator's endpoints,"
                    + " which baton.opsPath=off turns off; set baton.opsPath (e.g. /baton) or baton.admin=off");
        }
        lifecycle = Lifecycle.open(config);
        Generation status = lifecycle.status();
        Metrics metrics = config.metrics() ? new Metrics(lifecycle.totals(), status, meterRegistry) : null;
        HttpHandler admin = null;
        if (config.opsPath().isPresent()) {
            Readiness readiness = new Readiness(readinessChecks, config.readinessTimeout());
            if (config.admin().isPresent()) { // the operator's endpoints there only, off the app's port
                admin = measured(new OpsHandler(ResponseCodeHandler.HANDLE_404, config.opsPath().get(), status, readiness,
                        mapper, metrics), metrics, status);
            } else {
                root = new OpsHandler(root, config.opsPath().get(), status, readiness, mapper, metrics);
            }
        }
        lifecycle.serve(measured(root, metrics, status), admin, drainCallbacks, resumeCallbacks, warmUp);
        return this;
    }

    /**
     * The Allow set of {@code path}, as a 405 or an OPTIONS answer has it: its routes', else a static folder's if one
     * is mounted there; null when neither.
     */
    private Set<String> allowedMethods(String path, StaticHandler statics) {
        RouteMatch<Handler> match = router.find("OPTIONS", path);
        if (match.kind() != RouteMatch.Kind.NOT_FOUND) {
            return match.allowedMethods();
        }
        return statics != null && statics.covers(path) ? StaticHandler.METHODS : null;
    }

    private static ClassLoader classLoader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null ? loader : Baton.class.getClassLoader();
    }

    /** {@code handler} counted (unless metrics are off) and logged (with {@code baton.accessLog}). */
    private HttpHandler measured(HttpHandler handler, Metrics metrics, Generation status) {
        if (metrics != null) {
            handler = new HttpMetrics(handler, lifecycle.totals());
        }
        if (config.accessLog()) {
            handler = new AccessLog(handler, status.generation());
        }
        return handler;
    }

    /** Stops accepting, drains in-flight exchanges (up to {@code baton.drainTimeout}) and stops. */
    public void stop() {
        if (lifecycle != null) {
            lifecycle.stop();
        }
    }

    /** The port served; with {@code baton.port=0} the one the system picked. */
    public int port() {
        return started().port();
    }

    /** 1 for the first process, one more for each zero-downtime upgrade since. */
    public int generation() {
        return started().generation();
    }

    public BatonConfig config() {
        return config;
    }

    private Lifecycle started() {
        if (lifecycle == null) {
            throw new IllegalStateException("the app is not started");
        }
        return lifecycle;
    }

    private void requireNotStarted() {
        if (lifecycle != null) {
            throw new IllegalStateException("the app is started: register everything before start()");
        }
    }
}
