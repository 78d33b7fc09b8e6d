package dev.baton.examples.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every message of every room, in one file of JSON lines that all generations share: during a hand-off the old and
 * the new one both take messages (sockets move over within the close spread), so ids are given under a lock on the
 * file, in file order, and each process reads what the other appended before it answers. A message's id is its
 * line number: a client that reconnects with the last id it saw gets exactly what came after it, from either.
 */
final class MessageLog implements AutoCloseable {

    /** A chat message; {@code cid} is the id its sender gave it, so that a message sent twice is stored once. */
    record Message(long id, String room, String user, String text, String cid) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileChannel file;
    private final List<Message> messages = new ArrayList<>();
    private final Map<String, Message> byCid = new HashMap<>();
    /** How far this process has read the file. */
    private long read;
    /** The start of a line whose end has not been read yet (another process may be writing it). */
    private final ByteArrayOutputStream partialLine = new ByteArrayOutputStream();

    MessageLog(Path path) throws IOException {
        file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** Stores a message unless its {@code cid} is stored already; either way returns the stored one. */
    synchronized Message append(String room, String user, String text, String cid) {
        try (FileLock lock = file.lock()) {
            catchUp();
            Message known = byCid.get(cid);
            if (known != null) {
                return known;
            }
            Message message = new Message(messages.size() + 1, room, user, text, cid);
            ByteBuffer line = ByteBuffer.wrap((JSON.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8));
            long at = file.size();
            while (line.hasRemaining()) {
                at += file.write(line, at);
            }
            file.force(false);
            catchUp();
            return byCid.get(cid);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads what other generations appended since the last read. */
    synchronized void refresh() {
        try (FileLock lock = file.lock(0, Long.MAX_VALUE, true)) {
            catchUp();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The messages of {@code room} after {@code id}, in order, as far as this process has read (see {@link #refresh}). */
    synchronized List<Message> after(String room, long id) {
        List<Message> after = new ArrayList<>();
        for (int i = (int) Math.max(0, Math.min(id, messages.size())); i < messages.size(); i++) {
            if (messages.get(i).room().equals(room)) {
                after.add(messages.get(i));
            }
        }
        return after;
    }

    private void catchUp() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (file.read(buffer.clear(), read) > 0) {
            buffer.flip();
            read += buffer.remaining();
            // Lines split at '\n', which UTF-8 never uses inside a character.
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b != '\n') {
                    partialLine.write(b);
                    continue;
                }
                Message message = JSON.readValue(partialLine.toByteArray(), Message.class);
                partialLine.reset();
                messages.add(message);
                byCid.put(message.cid(), message);
            }
        }
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
