package dev.baton.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper.Builder;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;

/**
 * The default {@link JsonMapper}: Jackson, with java.time support and dates written as ISO-8601 text, reading JSON
 * as typed as it is: no value is changed to fit a field (see {@link #defaults()}). The
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

    /**
     * Baton's defaults, to start a customised mapper from. Jackson's own would take {@code 1965.7} into an int as
     * 1965, {@code "5"} as 5, {@code 1} as true, {@code 5} as "5", a missing int as 0, the last of two {@code qty}
     * keys and a document followed by garbage: each is refused here, naming the field. Unknown fields are ignored.
     */
    public static Builder defaults() {
        return com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                // A client adding a field must not break an older server: the usual REST expectation.
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS) // "5" as 5, "true" as true, 1 as true
                .withCoercionConfig(LogicalType.Textual, text -> text.setCoercion(CoercionInputShape.Integer,
                        CoercionAction.Fail).setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                // A missing or null int would otherwise read as 0, which no check can tell from a real 0.
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // Two readers of one document must not see two values (the first key here, the last there).
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
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
        } catch (JsonMappingException e) {
            String field = field(e);
            throw field == null ? new MalformedJsonException(shortReason(e))
                    : new MalformedJsonException(field, fieldReason(e));
        } catch (JsonProcessingException e) {
            throw new MalformedJsonException(shortReason(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where in the document the error is, e.g. {@code items[2].qty}; null for the document itself. */
    private static String field(JsonMappingException e) {
        StringBuilder field = new StringBuilder();
        for (JsonMappingException.Reference at : e.getPath()) {
            if (at.getFieldName() != null) {
                field.append(field.length() == 0 ? "" : ".").append(at.getFieldName());
            } else if (at.getIndex() >= 0) {
                field.append('[').append(at.getIndex()).append(']');
            }
        }
        return field.length() == 0 ? null : field.toString();
    }

    /** What the field must be, in words a client understands, rather than Jackson's names of Java types. */
    private static String fieldReason(JsonMappingException e) {
        Class<?> type = e instanceof MismatchedInputException mismatch ? mismatch.getTargetType() : null;
        if (type == null) {
            return shortReason(e);
        }
        if (type.isPrimitive() && e.getOriginalMessage().startsWith("Cannot map `null`")) {
            return "is required";
        }
        if (type == int.class || type == long.class || type == short.class || type == byte.class
                || type == Integer.class || type == Long.class || type == Short.class || type == Byte.class
                || type == BigInteger.class) {
            return "must be an integer";
        }
        if (type == double.class || type == float.class || Number.class.isAssignableFrom(type)) {
            return "must be a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "must be true or false";
        }
        if (type == String.class || type == char.class || type == Character.class) {
            return "must be a string";
        }
        if (type.isEnum()) {
            return "must be one of " + String.join(", ", Arrays.stream(type.getEnumConstants()).map(String::valueOf).toList());
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "must be an array";
        }
        return "is not a valid " + type.getSimpleName();
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
