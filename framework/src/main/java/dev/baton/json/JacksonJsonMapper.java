package dev.baton.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper.Builder;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The default {@link JsonMapper}: Jackson, with java.time support and dates written as ISO-8601 text. The
 * default mapper is built on first use: Jackson loads some 500 classes, which an app without JSON routes (and
 * every app's start-up, which an upgrade waits for) should not pay for.
 */
public final class JacksonJsonMapper implements JsonMapper {

    private static final class Default {
        static final ObjectMapper MAPPER = defaults().build();
    }

    private final ObjectMapper custom;

    public JacksonJsonMapper() {
        this.custom = null;
    }

    public JacksonJsonMapper(ObjectMapper mapper) {
        this.custom = mapper;
    }

    private ObjectMapper mapper() {
        return custom != null ? custom : Default.MAPPER;
    }

    /** Baton's defaults, to start a customised mapper from. */
    public static Builder defaults() {
        return com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                // A client adding a field must not break an older server: the usual REST expectation.
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    @Override
    public byte[] write(Object value) {
        try {
            return mapper().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getName() + " as JSON", e);
        }
    }

    @Override
    public <T> T read(byte[] json, Class<T> type) {
        try {
            T value = mapper().readValue(json, type);
            if (value == null) {
                throw new MalformedJsonException("expected a JSON value, got null or nothing");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new MalformedJsonException(shortReason(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // Jackson's own message quotes the input and names internal classes; the client gets the gist and where.
    private static String shortReason(JsonProcessingException e) {
        String reason = e.getOriginalMessage();
        int newline = reason.indexOf('\n');
        if (newline >= 0) {
            reason = reason.substring(0, newline);
        }
        reason = reason.replaceAll("\\(for Object starting at[^)]*\\)", "")
                .replaceAll("\\s*\\(class [^)]*\\)", "")
                .replaceAll("`[a-z][\\w.$]*\\.([A-Z][\\w$]*)`", "$1")
                .trim();
        JsonLocation at = e.getLocation();
        if (at != null && at.getLineNr() > 0) {
            reason += " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        }
        return reason.length() > 200 ? reason.substring(0, 200) + "..." : reason;
    }
}
