package dev.baton.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.routing.RouteMatch.Kind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouterTest {

    private final Router<String> router = new Router<>();

    private void assertFound(String method, String path, String handler, Map<String, String> params) {
        RouteMatch<String> match = router.find(method, path);
        assertEquals(Kind.FOUND, match.kind(), () -> method + " " + path + " -> " + match);
        assertEquals(handler, match.handler(), () -> method + " " + path);
        assertEquals(params, match.pathParams(), () -> method + " " + path);
    }

    private void assertFound(String method, String path, String handler) {
        assertFound(method, path, handler, Map.of());
    }

    private void assertNotFound(String method, String path) {
        RouteMatch<String> match = router.find(method, path);
        assertEquals(Kind.NOT_FOUND, match.kind(), () -> method + " " + path + " -> " + match);
        assertNull(match.handler());
        assertNull(match.pattern());
        assertEquals(Map.of(), match.pathParams());
        assertEquals(Set.of(), match.allowedMethods());
    }

    /** Allowed methods in iteration order, which must be sorted. */
    private List<String> allowed(String method, String path) {
        return List.copyOf(router.find(method, path).allowedMethods());
    }

    @Test
    void rootAndStaticSegments() {
        assertNotFound("GET", "/");
        router.add("GET", "/", "root");
        router.add("GET", "/users", "users");
        router.add("GET", "/users/active/today", "today");
        assertFound("GET", "/", "root");
        assertFound("GET", "/users", "users");
        assertFound("GET", "/users/active/today", "today");
        assertNotFound("GET", "/users/active");
        assertNotFound("GET", "/nope");
    }

    @Test
    void paramMatchesExactlyOneNonEmptySegment() {
        router.add("GET", "/users/{id}", "user");
        assertFound("GET", "/users/42", "user", Map.of("id", "42"));
        assertNotFound("GET", "/users");
        assertNotFound("GET", "/users/");
        assertNotFound("GET", "/users/42/more");
        RouteMatch<String> match = router.find("GET", "/users/1");
        assertThrows(UnsupportedOperationException.class, () -> match.pathParams().put("x", "y"));
        assertThrows(UnsupportedOperationException.class, () -> match.allowedMethods().add("PUT"));
    }

    @Test
    void paramsAreStoredPerRoute() {
        router.add("GET", "/users/{id}", "user");
        router.add("GET", "/users/{userId}/posts", "posts");
        router.add("DELETE", "/users/{uid}", "delete");
        router.add("GET", "/users/{userId}/posts/{postId}", "post");
        assertFound("GET", "/users/7", "user", Map.of("id", "7"));
        assertFound("DELETE", "/users/7", "delete", Map.of("uid", "7"));
        assertFound("GET", "/users/7/posts", "posts", Map.of("userId", "7"));
        assertFound("GET", "/users/7/posts/9", "post", Map.of("userId", "7", "postId", "9"));
        assertEquals(List.of("userId", "postId"),
                List.copyOf(router.find("GET", "/users/7/posts/9").pathParams().keySet()));
    }

    @Test
    void wildcardMatchesZeroOneOrManySegments() {
        router.add("GET", "/files/{*rest}", "files");
        assertFound("GET", "/files", "files", Map.of("rest", ""));
        assertFound("GET", "/files/", "files", Map.of("rest", ""));
        assertFound("GET", "/files/a.txt", "files", Map.of("rest", "a.txt"));
        assertFound("GET", "/files/a/b/c.txt", "files", Map.of("rest", "a/b/c.txt"));
        assertFound("GET", "/files//a///b/", "files", Map.of("rest", "a/b"));
        assertNotFound("GET", "/filesx");
    }

    @Test
    void anUnnamedStarIsAWildcardWithoutAParameter() {
        router.add("GET", "/admin/*", "admin");
        router.add("GET", "/users/{id}/*", "user");
        assertFound("GET", "/admin", "admin", Map.of());
        assertFound("GET", "/admin/a/b", "admin", Map.of());
        assertFound("GET", "/users/7/x", "user", Map.of("id", "7"));
        assertNotFound("GET", "/adminx");
        assertThrows(IllegalStateException.class, () -> router.add("GET", "/admin/{*rest}", "named"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> router.add("GET", "/*/x", "x"));
        assertEquals("invalid route pattern \"/*/x\": wildcard * must be the last segment", e.getMessage());
    }

    @Test
    void wildcardAtRootAndAfterParam() {
        router.add("GET", "/{*all}", "all");
        router.add("GET", "/repos/{owner}/{*path}", "tree");
        assertFound("GET", "/", "all", Map.of("all", ""));
        assertFound("GET", "/x/y", "all", Map.of("all", "x/y"));
        assertFound("GET", "/repos/baton/src/main", "tree", Map.of("owner", "baton", "path", "src/main"));
    }

    @Test
    void caseSensitiveAndNotDecoded() {
        router.add("GET", "/Users/{name}", "user");
        assertFound("GET", "/Users/a%20b", "user", Map.of("name", "a%20b"));
        assertFound("GET", "/Users/a b", "user", Map.of("name", "a b"));
        assertNotFound("GET", "/users/x");
        assertEquals(Kind.METHOD_NOT_ALLOWED, router.find("get", "/Users/x").kind());
    }

    @Test
    void trailingAndRepeatedSlashesAreIgnored() {
        router.add("GET", "/users/", "users");
        router.add("GET", "/teams/{id}/posts", "posts");
        assertFound("GET", "/users", "users");
        assertFound("GET", "/users/", "users");
        assertFound("GET", "/teams/5/posts/", "posts", Map.of("id", "5"));
        assertFound("GET", "//teams///5//posts", "posts", Map.of("id", "5"));
        assertEquals("/users/", router.find("GET", "/users").pattern(), "pattern as registered");
        router.add("GET", "/", "root");
        assertFound("GET", "//", "root");
    }

    @Test
    void staticBeatsParamBeatsWildcard() {
        router.add("GET", "/a/{*rest}", "wildcard");
        router.add("GET", "/a/{x}", "param");
        router.add("GET", "/a/b", "static");
        assertFound("GET", "/a/b", "static");
        assertFound("GET", "/a/c", "param", Map.of("x", "c"));
        assertFound("GET", "/a/c/d", "wildcard", Map.of("rest", "c/d"));
        assertFound("GET", "/a", "wildcard", Map.of("rest", ""));
        router.add("GET", "/a", "exact");
        assertFound("GET", "/a", "exact");
    }

    @Test
    void backtracksToParamThenWildcard() {
        router.add("GET", "/a/b/c", "static");
        router.add("GET", "/a/{x}/d", "param");
        assertFound("GET", "/a/b/c", "static");
        assertFound("GET", "/a/b/d", "param", Map.of("x", "b"));
        assertNotFound("GET", "/a/b/e");
        router.add("GET", "/a/{*rest}", "wildcard");
        assertFound("GET", "/a/b/e", "wildcard", Map.of("rest", "b/e"));
    }

    @Test
    void firstMatchingRouteWithTheMethodWins() {
        router.add("GET", "/users/me", "me");
        router.add("DELETE", "/users/{id}", "delete");
        router.add("POST", "/users/{*rest}", "upload");
        assertFound("GET", "/users/me", "me");
        assertFound("DELETE", "/users/me", "delete", Map.of("id", "me"));
        assertEquals("/users/{id}", router.find("DELETE", "/users/me").pattern());
        assertFound("POST", "/users/me", "upload", Map.of("rest", "me"));
    }

    @Test
    void headFallsBackToGetUnlessAHeadRouteMatches() {
        router.add("GET", "/users/{id}", "get");
        assertFound("HEAD", "/users/1", "get", Map.of("id", "1"));
        router.add("HEAD", "/users/{id}", "head");
        assertFound("HEAD", "/users/1", "head", Map.of("id", "1"));
        router.add("GET", "/users/me", "getMe");
        assertFound("HEAD", "/users/me", "head", Map.of("id", "me"));
    }

    @Test
    void getFallbackFollowsPrecedence() {
        router.add("GET", "/users/{id}", "get");
        router.add("GET", "/users/me", "getMe");
        assertFound("HEAD", "/users/me", "getMe");
    }

    @Test
    void methodNotAllowedListsTheUnionOfMatchingPatterns() {
        router.add("GET", "/users/me", "me");
        router.add("DELETE", "/users/{id}", "delete");
        router.add("PUT", "/users/{*rest}", "put");
        router.add("POST", "/users", "create");
        RouteMatch<String> match = router.find("PATCH", "/users/me");
        assertEquals(Kind.METHOD_NOT_ALLOWED, match.kind());
        assertNull(match.handler());
        assertNull(match.pattern());
        assertEquals(Map.of(), match.pathParams());
        assertEquals(List.of("DELETE", "GET", "HEAD", "OPTIONS", "PUT"), allowed("PATCH", "/users/me"));
    }

    @Test
    void allowedHasOptionsAlwaysAndHeadOnlyWithGet() {
        router.add("POST", "/jobs", "create");
        router.add("HEAD", "/ping", "head");
        assertEquals(Kind.METHOD_NOT_ALLOWED, router.find("GET", "/jobs").kind());
        assertEquals(List.of("OPTIONS", "POST"), allowed("GET", "/jobs"));
        assertEquals(Kind.METHOD_NOT_ALLOWED, router.find("GET", "/ping").kind(), "HEAD never answers GET");
        assertEquals(List.of("HEAD", "OPTIONS"), allowed("GET", "/ping"));
    }

    @Test
    void foundCarriesAllowedMethodsForOptions() {
        router.add("GET", "/users/me", "me");
        router.add("DELETE", "/users/{id}", "delete");
        assertEquals(List.of("DELETE", "GET", "HEAD", "OPTIONS"), allowed("GET", "/users/me"));
        assertEquals(List.of("DELETE", "OPTIONS"), allowed("DELETE", "/users/7"));
        router.add("OPTIONS", "/{*all}", "cors");
        assertFound("OPTIONS", "/users/7", "cors", Map.of("all", "users/7"));
    }

    @Test
    void duplicateShapeNamesBothPatterns() {
        router.add("GET", "/users/{id}", "a");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> router.add("GET", "/users/{uid}", "b"));
        assertEquals("duplicate route: GET /users/{uid} conflicts with GET /users/{id}", e.getMessage());
    }

    @Test
    void trailingSlashOrWildcardNameMakesNoNewShape() {
        router.add("GET", "/x/", "a");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> router.add("GET", "/x", "b"));
        assertEquals("duplicate route: GET /x conflicts with GET /x/", e.getMessage());
        router.add("GET", "/f/{*a}", "a");
        assertThrows(IllegalStateException.class, () -> router.add("GET", "/f/{*b}/", "b"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "users              | must start with \"/\"",
        "''                 | must start with \"/\"",
        "/a/{}              | empty parameter name",
        "/a/{*}             | empty parameter name",
        "/{*rest}/b         | wildcard {*rest} must be the last segment",
        "/a{b}              | segment \"a{b}\" mixes text and braces",
        "/{b}c              | segment \"{b}c\" mixes text and braces",
        "/{a}{b}            | segment \"{a}{b}\" mixes text and braces",
        "/a/{b              | segment \"{b\" mixes text and braces",
        "/a/b}              | segment \"b}\" mixes text and braces",
        "/{id}/x/{id}       | parameter name \"id\" is used twice",
        "/{id}/{*id}        | parameter name \"id\" is used twice",
        "/{1x}              | parameter name \"1x\" is not a Java-like identifier",
        "/{a-b}             | parameter name \"a-b\" is not a Java-like identifier",
        "/a//b              | empty segment",
    })
    void invalidPatternsAreRejected(String pattern, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> router.add("GET", pattern, "h"));
        assertTrue(e.getMessage().startsWith("invalid route pattern \"" + pattern + "\": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void nullArgumentsAreRejected() {
        assertThrows(NullPointerException.class, () -> router.add(null, "/", "h"));
        assertThrows(NullPointerException.class, () -> router.add("GET", null, "h"));
        assertThrows(NullPointerException.class, () -> router.add("GET", "/", null));
    }

    @Test
    void thousandRouteTable() {
        for (int i = 0; i < 250; i++) {
            router.add("GET", "/api/v" + i % 5 + "/items" + i, "list" + i);
            router.add("GET", "/api/v" + i % 5 + "/items" + i + "/{id}", "get" + i);
            router.add("PUT", "/api/v" + i % 5 + "/items" + i + "/{key}", "put" + i);
            router.add("GET", "/static" + i + "/{*path}", "static" + i);
        }
        for (int i = 0; i < 250; i++) {
            String base = "/api/v" + i % 5 + "/items" + i;
            assertFound("GET", base, "list" + i);
            assertFound("GET", base + "/x" + i, "get" + i, Map.of("id", "x" + i));
            assertFound("PUT", base + "/x" + i, "put" + i, Map.of("key", "x" + i));
            assertFound("HEAD", base + "/x", "get" + i, Map.of("id", "x"));
            assertFound("GET", "/static" + i + "/a/b", "static" + i, Map.of("path", "a/b"));
            assertEquals(Kind.METHOD_NOT_ALLOWED, router.find("POST", base).kind());
            assertNotFound("GET", base + "/x/y");
            assertNotFound("GET", "/api/v" + (i + 1) % 5 + "/items" + i);
        }
        assertNotFound("GET", "/api/v0/items250");
        assertNotFound("GET", "/static250/a");
    }

    @Test
    void exactStaticPathAgreesWithTheWalk() {
        router.add("GET", "/users/me", "me");
        router.add("DELETE", "/users/{id}", "delete");
        router.add("HEAD", "/users/{*rest}", "head");
        assertFound("GET", "/users/me", "me");
        // The exact path names a route, but not for these methods: the walk decides.
        assertFound("DELETE", "/users/me", "delete", Map.of("id", "me"));
        assertFound("HEAD", "/users/me", "head", Map.of("rest", "me"));
        assertEquals(Kind.METHOD_NOT_ALLOWED, router.find("PUT", "/users/me").kind());
        assertEquals(List.of("DELETE", "GET", "HEAD", "OPTIONS"), allowed("PUT", "/users/me"));
        // Not canonical: no exact hit, the walk finds the same route.
        assertFound("GET", "//users/me/", "me");
    }

    @Test
    void matchOfARouteWithoutParametersIsSharedAndItsAllowSetFollowsLaterRoutes() {
        router.add("GET", "/users/me", "me");
        RouteMatch<String> match = router.find("GET", "/users/me");
        assertSame(match, router.find("GET", "/users/me"));
        assertSame(match, router.find("HEAD", "/users/me"), "HEAD answered by the GET route");
        assertSame(match, router.find("GET", "/users//me/"));
        assertEquals(List.of("GET", "HEAD", "OPTIONS"), List.copyOf(match.allowedMethods()));
        router.add("POST", "/users/{id}", "post");
        assertEquals(List.of("GET", "HEAD", "OPTIONS", "POST"), List.copyOf(match.allowedMethods()));
    }

    @Test
    void segmentsWithEqualHashCodesStayApart() {
        assertEquals("Aa".hashCode(), "BB".hashCode());
        router.add("GET", "/Aa", "aa");
        router.add("GET", "/BB/{id}", "bb");
        router.add("GET", "/x/AaAa/BBBB", "aaaa");
        router.add("GET", "/x/AaBB", "aabb");
        assertFound("GET", "/Aa", "aa");
        assertFound("GET", "/BB/1", "bb", Map.of("id", "1"));
        assertFound("GET", "/x/AaAa/BBBB", "aaaa");
        assertFound("GET", "/x/AaBB", "aabb");
        assertNotFound("GET", "/BB");
        assertNotFound("GET", "/x/BBBB/BBBB");
        assertNotFound("GET", "/x/BBAa");
        assertNotFound("GET", "/A");
    }

    @Test
    void staticChildrenBeyondTheFirstTableGrowth() {
        for (int i = 0; i < 500; i++) {
            router.add("GET", "/n/" + i, "n" + i);
            router.add("GET", "/n/" + i + "/{x}", "p" + i);
        }
        for (int i = 0; i < 500; i++) {
            assertFound("GET", "/n/" + i, "n" + i);
            assertFound("GET", "/n/" + i + "/q", "p" + i, Map.of("x", "q"));
            assertFound("GET", "//n//" + i + "//", "n" + i);
        }
        assertNotFound("GET", "/n/500");
        assertNotFound("GET", "/n/-1");
    }

    @Test
    void pathParamsBehaveAsAnUnmodifiableOrderedMap() {
        router.add("GET", "/repos/{owner}/{repo}/{*path}", "tree");
        Map<String, String> params = router.find("GET", "/repos/o/r/a//b/").pathParams();
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("owner", "o");
        expected.put("repo", "r");
        expected.put("path", "a/b");
        assertEquals(expected, params);
        assertEquals(params, expected);
        assertEquals(expected.hashCode(), params.hashCode());
        assertEquals("{owner=o, repo=r, path=a/b}", params.toString());
        assertEquals(List.of("owner", "repo", "path"), List.copyOf(params.keySet()));
        assertEquals(List.of("o", "r", "a/b"), List.copyOf(params.values()));
        assertEquals(3, params.size());
        assertTrue(params.containsKey("repo"));
        assertTrue(params.containsValue("a/b"));
        assertNull(params.get("nope"));
        assertNull(params.get(null));
        assertThrows(UnsupportedOperationException.class, () -> params.remove("owner"));
        assertThrows(UnsupportedOperationException.class, params::clear);
        assertThrows(UnsupportedOperationException.class, () -> params.keySet().iterator().remove());
        assertThrows(UnsupportedOperationException.class,
                () -> params.entrySet().iterator().next().setValue("x"));
        assertEquals(expected, params, "unchanged");
    }
}
