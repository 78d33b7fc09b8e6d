package dev.baton;

/**
 * Ends a request with a status and a short message meant for the client, e.g.
 * {@code throw new HttpException(404, "no user 42")}. Baton answers it as plain text unless the app maps it with
 * {@link Baton#exception}.
 */
public class HttpException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public HttpException(int status, String message) {
        super(message, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("HttpException status must be 4xx or 5xx, got " + status);
        }
        this.status = status;
    }

    public int status() {
        return status;
    }
}
