package dev.baton.runtime;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The listeners beyond fd 0 (the admin and HTTPS listeners), handed from a parent generation to its child: the JDK closes
 * every fd above 2 in a child it starts, so the child asks for them on the ready channel as it starts, and the
 * parent sends copies of their fds with SCM_RIGHTS ({@link ScmRights}), named. The sockets themselves never close,
 * so no connection to them is refused or lost across an upgrade.
 */
final class HandedListeners {

    static final String ADMIN = "admin";
    static final String HTTPS = "https";
    /** What a child says, with its pid and token, to get its parent's listeners. */
    static final String REQUEST = "LISTENERS";

    private HandedListeners() {}

    /** Child side: asks the parent for the listeners it offered ({@link Handoff#listeners()}); by name. */
    static Map<String, ServerSocketChannel> receive(Handoff handoff, long pid) throws IOException {
        long deadline = System.nanoTime() + ReadyChannel.PEER_DEADLINE.toNanos();
        try (SocketChannel parent = SocketChannel.open(UnixDomainSocketAddress.of(handoff.readySocket()))) {
            ByteBuffer request = ByteBuffer.wrap((REQUEST + " " + pid + " " + handoff.token() + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
            while (request.hasRemaining()) {
                parent.write(request);
            }
            ScmRights.Received message = ScmRights.receive(parent, deadline);
            String[] names = message.line().isEmpty() ? new String[0] : message.line().split(",");
            if (names.length != message.fds().length) {
                ScmRights.closeAll(message.fds());
                throw new IOException("the parent named " + names.length + " listeners and sent " + message.fds().length);
            }
            Map<String, ServerSocketChannel> listeners = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                listeners.put(names[i], ChannelFds.adoptListener(message.fds()[i]));
            }
            return listeners;
        }
    }

    /** Parent side: answers a child's request with copies of {@code listeners}' fds, named. */
    static void send(SocketChannel child, Map<String, ServerSocketChannel> listeners) throws IOException {
        List<String> names = new ArrayList<>(listeners.keySet());
        int[] fds = new int[names.size()];
        for (int i = 0; i < fds.length; i++) {
            fds[i] = ChannelFds.fdOf(listeners.get(names.get(i)));
        }
        ScmRights.send(child, String.join(",", names), fds, System.nanoTime() + ReadyChannel.PEER_DEADLINE.toNanos());
    }
}
