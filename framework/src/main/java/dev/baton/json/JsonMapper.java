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

    /**
     * Input a client sent that is not JSON of the expected shape; its message is safe to send back. Baton answers
     * it with a 400 that names the {@link #field()}, or the body when there is none.
     */
    final class MalformedJsonException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String field;

        /** The document as a whole is wrong: not JSON, or not of the expected type. */
        public MalformedJsonException(String reason) {
            this(null, reason);
        }

        /** {@code field} (e.g. {@code items[2].qty}) is wrong, as {@code reason} says (e.g. "must be an integer"). */
        public MalformedJsonException(String field, String reason) {
            super(reason, null, false, false);
            this.field = field;
        }

        /** Where in the document, or null for the document as a whole. */
        public String field() {
            return field;
        }
    }
}
