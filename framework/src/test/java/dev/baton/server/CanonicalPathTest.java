package dev.baton.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalPathTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/, /",
            "//, /",
            "/admin, /admin",
            "/admin/, /admin",
            "//admin//secret/, /admin/secret",
            "/./admin, /admin",
            "/x/../admin, /admin",
            "/a/b/./../c/, /a/c",
            "/admin/secret/.., /admin",
            "/caf%C3%A9, /café",
            "/caf%c3%a9, /café",
            "/a%20b, /a b",
            "/100%25, /100%",
            "/%252e%252e, /%2e%2e",
            "/admin;jsessionid=1, /admin;jsessionid=1",
            "/x/a..;/admin, /x/a..;/admin",
            "/admin%3b/secret, /admin;/secret",
            "/.../admin, /.../admin",
            "/.hidden, /.hidden",
            "/a+b, /a+b",
    })
    void canonicalForms(String raw, String canonical) throws Exception {
        assertEquals(canonical, CanonicalPath.of(raw));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "admin", "*",
            "/..", "/../admin", "/a/../../admin", "/a/b/../../..",
            "/%2e/admin", "/%2E%2E/admin", "/.%2e/admin", "/%2e./admin", "/admin/%2e%2e",
            "/admin%2f..", "/%2fadmin", "/a%2Fb", "/a%5cb", "/a%5C..%5Cadmin",
            "/a%00", "/a%0d%0aSet-Cookie:x", "/a%09b", "/a%7f", "/a%c2%85",
            "/%c0%ae%c0%ae/admin", "/%e0%80%ae", "/%ff", "/%c3",
            "/a%", "/a%2", "/a%zz", "/a%%30", "/a%u002e",
            "/..;/admin", "/x/..;/admin", "/.;/admin", "/;/admin", "/;a=b/admin", "/a%e2%80%a8b",
    })
    void refused(String raw) {
        assertThrows(CanonicalPath.Refused.class, () -> CanonicalPath.of(raw), raw);
    }
}
