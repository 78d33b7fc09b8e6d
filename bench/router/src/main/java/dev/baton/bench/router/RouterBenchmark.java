package dev.baton.bench.router;

import dev.baton.routing.RouteMatch;
import dev.baton.routing.Router;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.PathTemplateMatcher;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Route lookup: Baton's {@link Router#find} against what Undertow's {@code RoutingHandler} does per request (its
 * per-method {@link PathTemplateMatcher}, then {@code match(path)}), with 10, 100 and 1000 GET routes.
 *
 * <p>Route {@code i} belongs to resource {@code k = i / 3} and is, by {@code i % 3}: static {@code /api/res<k>},
 * a parameter {@code /api/res<k>/{id}}, or a wildcard {@code /files/res<k>/{*path}} (Undertow: {@code /files/res<k>/*}).
 * Each benchmark looks up 64 request paths of one kind spread over all resources, in turn, so neither the branch
 * predictor nor the caches see one path only. Both answers carry the route and its parameters; {@link #setup()}
 * checks that both routers find the expected route for every path before anything is measured.
 *
 * <p>bench/run runs it short (1 fork, 3 × 1 s warm-up, 5 × 1 s measurement): enough to rank, not for 2 % effects.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RouterBenchmark {

    private static final int PATHS = 64; // a power of two: the cursor wraps with a mask

    @Param({"10", "100", "1000"})
    public int routes;

    @Param({"static", "param", "wildcard"})
    public String kind;

    private Router<Integer> baton;
    private Map<HttpString, PathTemplateMatcher<Integer>> undertow;
    private String[] paths;

    /** Per thread, so that concurrent runs (-t) do not share a counter. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup
    public void setup() {
        baton = new Router<>();
        PathTemplateMatcher<Integer> get = new PathTemplateMatcher<>();
        for (int i = 0; i < routes; i++) {
            int k = i / 3;
            switch (i % 3) {
                case 0 -> {
                    baton.add("GET", "/api/res" + k, i);
                    get.add("/api/res" + k, i);
                }
                case 1 -> {
                    baton.add("GET", "/api/res" + k + "/{id}", i);
                    get.add("/api/res" + k + "/{id}", i);
                }
                default -> {
                    baton.add("GET", "/files/res" + k + "/{*path}", i);
                    get.add("/files/res" + k + "/*", i);
                }
            }
        }
        undertow = new HashMap<>();
        undertow.put(Methods.GET, get);

        int offset = switch (kind) {
            case "static" -> 0;
            case "param" -> 1;
            case "wildcard" -> 2;
            default -> throw new IllegalArgumentException("kind " + kind);
        };
        int resources = (routes - offset + 2) / 3; // resources that have a route of this kind
        paths = new String[PATHS];
        int[] expected = new int[PATHS];
        for (int j = 0; j < PATHS; j++) {
            int k = (int) ((long) j * resources / PATHS);
            expected[j] = 3 * k + offset;
            paths[j] = switch (offset) {
                case 0 -> "/api/res" + k;
                case 1 -> "/api/res" + k + "/" + (10_000 + j);
                default -> "/files/res" + k + "/css/site/v" + j + "/main.css";
            };
        }
        for (int j = 0; j < PATHS; j++) {
            RouteMatch<Integer> b = baton.find("GET", paths[j]);
            PathTemplateMatcher.PathMatchResult<Integer> u = undertow.get(Methods.GET).match(paths[j]);
            if (b.kind() != RouteMatch.Kind.FOUND || b.handler() != expected[j]) {
                throw new IllegalStateException("Baton routed " + paths[j] + " to " + b + ", expected route " + expected[j]);
            }
            if (u == null || u.getValue() != expected[j]) {
                throw new IllegalStateException("Undertow routed " + paths[j] + " to " + (u == null ? null : u.getMatchedTemplate())
                        + ", expected route " + expected[j]);
            }
            if (offset > 0 && (b.pathParams().isEmpty() || u.getParameters().isEmpty())) {
                throw new IllegalStateException("no parameters for " + paths[j] + ": " + b.pathParams() + " / " + u.getParameters());
            }
        }
    }

    @Benchmark
    public RouteMatch<Integer> baton(Cursor cursor) {
        return baton.find("GET", paths[cursor.next++ & (PATHS - 1)]);
    }

    @Benchmark
    public PathTemplateMatcher.PathMatchResult<Integer> undertow(Cursor cursor) {
        // what RoutingHandler.handleRequest does before it calls the handler
        PathTemplateMatcher<Integer> matcher = undertow.get(Methods.GET);
        return matcher.match(paths[cursor.next++ & (PATHS - 1)]);
    }
}
