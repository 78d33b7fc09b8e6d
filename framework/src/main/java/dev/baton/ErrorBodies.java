package dev.baton;

import dev.baton.json.JsonMapper;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bodies of Baton's own error answers: short plain text, or with {@link Baton#jsonErrors()} RFC 9457 problem
 * details, {@code {"status":404,"title":"Not Found"}} (plus {@code "detail"} when the message says more than the
 * title). A {@link ValidationException} is answered in JSON either way, since its field list has no text form.
 */
final class ErrorBodies {

    static final String PROBLEM_JSON = "application/problem+json";

    private final JsonMapper json;
    private final boolean asJson;

    ErrorBodies(JsonMapper json, boolean asJson) {
        this.json = json;
        this.asJson = asJson;
    }

    /** Answers {@code status} with {@code message}, the text meant for the client. */
    void answer(Context ctx, int status, String message) {
        ctx.status(status);
        if (asJson) {
            ctx.contentType(PROBLEM_JSON).bytes(problem(status, message, null));
        } else {
            ctx.text(message);
        }
    }

    void answer(Context ctx, ValidationException e) {
        ctx.status(400).contentType(PROBLEM_JSON).bytes(problem(400, null, e.errors()));
    }

    /** For an answer sent before any handler could have a Context (a body over the limit). */
    void send(HttpServerExchange exchange, int status, String message) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, asJson ? PROBLEM_JSON : "text/plain; charset=utf-8");
        exchange.getResponseSender().send(asJson ? ByteBuffer.wrap(problem(status, message, null))
                : ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)));
    }

    private byte[] problem(int status, String message, Map<String, List<String>> errors) {
        Map<String, Object> problem = new LinkedHashMap<>();
        String title = StatusCodes.getReason(status);
        problem.put("status", status);
        problem.put("title", title);
        if (message != null && !message.equals(title)) {
            problem.put("detail", message);
        }
        if (errors != null) {
            problem.put("errors", errors);
        }
        return json.write(problem);
    }
}
