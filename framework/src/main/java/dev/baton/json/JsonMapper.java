package dev.baton.json;

/**
 * The seam between Baton and a JSON library. Baton ships {@link JacksonJsonMapper}; an app may pass its own
 * implementation to {@code Baton.json(...)}.
 */
public interface JsonMapper {

    byte[] write(Object value);

    /**
     * Reads {@code json} as {@code type}.
     *
     * @throws MalformedJsonException when the input is not JSON or does not fit {@code type}
     */
    <T> T read(byte[] json, Class<T> type);

    /** Input a client sent that is not JSON of the expected shape; its message is safe to send back. */
    final class MalformedJsonException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MalformedJsonException(String reason) {
            super(reason, null, false, false);
        }
    }
}
