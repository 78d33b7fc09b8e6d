package dev.baton.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Map;

/** An HTTP client bound to the app under test; every call returns the whole response, body as text. */
public final class TestClient {

    private final HttpClient http = HttpClient.newHttpClient();
    private final int port;

    TestClient(int port) {
        this.port = port;
    }

    public int port() {
        return port;
    }

    /** {@code path} (with its query) resolved against the app, e.g. {@code http://127.0.0.1:41234/users?page=2}. */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public HttpResponse<String> delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    /** A GET with request headers, e.g. {@code Map.of("Authorization", "Bearer t")}. */
    public HttpResponse<String> get(String path, Map<String, String> headers) {
        return request("GET", path, null, headers);
    }

    /** POSTs {@code body} as it is, with {@code headers}: {@code post("/notes", "hi", Map.of("Content-Type", "text/plain"))}. */
    public HttpResponse<String> post(String path, String body, Map<String, String> headers) {
        return request("POST", path, body, headers);
    }

    /**
     * Sends {@code body} (null for none) as it is, with {@code headers} and nothing else: no Content-Type unless
     * they have one, e.g. {@code client.request("POST", "/notes", "hi", Map.of("Content-Type", "text/plain"))}.
     */
    public HttpResponse<String> request(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request);
    }

    /** POSTs {@code json} with {@code Content-Type: application/json}. */
    public HttpResponse<String> post(String path, String json) {
        return send(withJson("POST", path, json));
    }

    public HttpResponse<String> put(String path, String json) {
        return send(withJson("PUT", path, json));
    }

    public HttpResponse<String> patch(String path, String json) {
        return send(withJson("PATCH", path, json));
    }

    /** Sends any request; start from {@code HttpRequest.newBuilder(client.uri(path))}. */
    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private HttpRequest.Builder withJson(String method, String path, String json) {
        return HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .method(method, BodyPublishers.ofString(json));
    }
}
