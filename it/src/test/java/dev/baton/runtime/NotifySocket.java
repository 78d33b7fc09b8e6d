package dev.baton.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A real AF_UNIX datagram socket standing in for systemd's notify socket. */
public final class NotifySocket implements AutoCloseable {

    private final int fd;
    private final Path path;

    public NotifySocket(Path path) throws IOException {
        this.path = path;
        this.fd = Native.unixDatagramSocket();
        Native.bind(fd, SystemdNotify.address(path.toString()));
    }

    public Path path() {
        return path;
    }

    /** Every datagram queued so far, oldest first. */
    public List<String> drain() throws IOException {
        List<String> messages = new ArrayList<>();
        byte[] buffer = new byte[4096];
        while (true) {
            int length;
            try {
                length = Native.receiveWaiting(fd, buffer);
            } catch (IOException nothingQueued) {
                return messages;
            }
            messages.add(new String(buffer, 0, length, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() throws IOException {
        Native.close(fd);
    }
}
