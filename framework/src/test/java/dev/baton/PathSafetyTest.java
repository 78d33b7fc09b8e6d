package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A before-filter guarding {@code /admin} and a {@code {*rest}} route under {@code /files}, probed over raw sockets
 * with request targets drawn from the path-confusion CVEs of Spring, Tomcat, Jetty, nginx and Apache. Every target
 * tried and its answer go to {@code target/path-probes.txt}.
 */
class PathSafetyTest {

    /** Each one aims past the guard at {@code /admin/secret}, or at a wildcard holding {@code ..}. */
    static final List<String> PROBES = List.of(
            "//admin/secret", "///admin/secret", "/./admin/secret", "/x/../admin/secret", "/admin/./secret",
            "/%2e/admin/secret", "/%2E/admin/secret", "/%2e%2e/admin/secret", "/x/%2e%2e/admin/secret",
            "/x/.%2e/admin/secret", "/x/%2e./admin/secret", "/admin%2fsecret", "/admin%2Fsecret", "/%2fadmin/secret",
            "/%2Fadmin/secret", "/admin%2f..%2fadmin/secret", "/admin;jsessionid=1/secret", "/admin;/secret",
            "/admin/secret;.css", "/x/..;/admin/secret", "/..;/admin/secret", "/x;/../admin/secret",
            "/%61dmin/secret", "/%41DMIN/secret", "/ADMIN/secret", "/Admin/secret", "/admin%00/secret",
            "/admin%00.css", "/%00/admin/secret", "/admin%0a/secret", "/admin%0d%0a/secret", "/admin%09/secret",
            "/admin%20/secret", "/%20admin/secret", "/admin%5csecret", "/x%5c..%5cadmin/secret",
            "/%5c%5cadmin/secret", "/%c0%ae%c0%ae/admin/secret", "/%c0%afadmin/secret", "/%e0%80%aeadmin/secret",
            "/%252e%252e/admin/secret", "/%252fadmin/secret", "/%u002e/admin/secret", "/admin/secret%23",
            "/admin/secret%3f", "/.%00./admin/secret", "/admin..;/secret", "/static../admin/secret",
            "/.%2e/.%2e/admin/secret", "/admin/secret/.", "/admin/secret/", "/admin/secret//",
            "http://127.0.0.1//admin/secret", "http://127.0.0.1/x/../admin/secret", "*", "admin/secret",
            "/files/%2e%2e/%2e%2e/etc/passwd", "/files/../../etc/passwd", "/files/a/../../etc/passwd",
            "/files/..%2f..%2fetc/passwd", "/files/..%5c..%5cetc/passwd", "/files/%2e%2e%2f%2e%2e%2fetc/passwd",
            "/files/.%2e/etc/passwd", "/files/%c0%ae%c0%ae/etc/passwd", "/files/%252e%252e/etc/passwd",
            "/files/a/%2e%2e", "/files/..;/etc/passwd", "/files/....//....//etc/passwd", "/public/..;/admin/secret",
            "/.;/admin/secret", "/;/admin/secret", "/admin%3b/secret", "/admin%3B/secret", "/administrator",
            "/admin%e2%80%a8/secret", "/public?/../admin/secret", "/files/%%32%65%%32%65/etc/passwd",
            "/files//etc/passwd", "/files/%2fetc/passwd", "/files/.", "/files/..", "/files/..%252f..%252fetc%252fpasswd",
            "/adm%69n/secret", "/admin/secret%0d%0aX-Injected:%20yes", "/admin%c0%afsecret", "/files/%ff",
            "/public/%2E%2e/admin/secret", "/admin/secret\t", "/admin/ secret", "/\\admin/secret",
            "/public#/../admin/secret");

    private static Baton app;
    private static final List<String> report = new ArrayList<>();

    @BeforeAll
    static void start() {
        app = Baton.create(BatonHttpTest.testConfig());
        app.before(ctx -> {
            if (ctx.path().startsWith("/admin") && !"yes".equals(ctx.header("X-Authorized"))) {
                throw new HttpException(403, "forbidden");
            }
        });
        app.get("/admin/secret", ctx -> ctx.text("secret"));
        app.get("/files/{*rest}", ctx -> ctx.text("rest=" + ctx.pathParam("rest") + " path=" + ctx.path()));
        app.get("/{name}/secret", ctx -> ctx.text("other " + ctx.pathParam("name")));
        app.start();
    }

    @AfterAll
    static void stop() throws IOException {
        app.stop();
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "path-probes.txt"), report);
    }

    @Test
    void noTargetGetsPastTheGuardOrPutsDotDotInAWildcard() throws IOException {
        for (String target : PROBES) {
            RawHttp.Response response = RawHttp.get(app.port(), target);
            report.add(String.format("%-40s %d %s", target, response.status(), response.body().replace('\n', ' ')));
            assertFalse(response.body().contains("secret") && response.status() == 200, target + " got " + response);
            if (response.body().startsWith("rest=")) {
                String rest = response.body().substring(5, response.body().indexOf(" path="));
                assertFalse(rest.startsWith("/") || List.of(rest.split("/")).contains("..")
                        || List.of(rest.split("/")).contains("."), target + " got " + response);
            }
            assertTrue(Set.of(200, 400, 403, 404).contains(response.status()), target + " got " + response);
        }
    }

    @Test
    void theGuardedRouteAndTheWildcardStillAnswerTheirCanonicalPaths() throws IOException {
        try (RawHttp http = new RawHttp(app.port())) {
            http.send("GET //admin/./secret/ HTTP/1.1\r\nHost: h\r\nX-Authorized: yes\r\n\r\n");
            assertEquals("secret", http.read(false).body());
        }
        assertEquals("rest=a/b path=/files/a/b", RawHttp.get(app.port(), "/files//a/./b/").body());
        assertEquals("rest=b path=/files/b", RawHttp.get(app.port(), "/files/a/../b").body());
        assertEquals("rest=a b/é path=/files/a b/é", RawHttp.get(app.port(), "/files/a%20b/%C3%A9").body());
        assertEquals("other ADMIN", RawHttp.get(app.port(), "/ADMIN/secret").body());
    }

    @Test
    void aRefusedPathIsA400ThatSaysWhy() throws IOException {
        RawHttp.Response response = RawHttp.get(app.port(), "/files/%2e%2e/%2e%2e/etc/passwd");
        assertEquals(400, response.status());
        assertEquals("Bad Request: the path holds an encoded dot segment", response.body());
        assertEquals(400, RawHttp.get(app.port(), "/../admin/secret").status());
        assertEquals("Bad Request: the path climbs above the root",
                RawHttp.get(app.port(), "/../admin/secret").body());
    }
}
