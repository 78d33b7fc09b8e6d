package dev.baton.runtime;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The receiving process of {@link ListenerHandoffTest}: connects to the Unix socket it is given, receives named
 * listeners, says where it listens, then answers every connection on each with its name and this pid, for at most a
 * minute.
 */
public final class ListenerReceiver {

    public static void main(String[] args) throws Exception {
        SocketChannel unix = SocketChannel.open(StandardProtocolFamily.UNIX);
        unix.connect(UnixDomainSocketAddress.of(Path.of(args[0])));
        ScmRights.Received received = ScmRights.receive(unix, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        String[] names = received.line().split(",");
        Selector selector = Selector.open();
        StringBuilder listening = new StringBuilder("LISTENING");
        for (int i = 0; i < names.length; i++) {
            ServerSocketChannel listener = ChannelFds.adoptListener(received.fds()[i]);
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT, names[i]);
            listening.append(' ').append(names[i]).append('=').append(listener.getLocalAddress());
        }
        System.out.println(listening);
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < end) {
            selector.select(100);
            for (SelectionKey key : selector.selectedKeys()) {
                try (SocketChannel connection = ((ServerSocketChannel) key.channel()).accept()) {
                    if (connection != null) {
                        connection.write(ByteBuffer.wrap((key.attachment() + " " + ProcessHandle.current().pid() + "\n")
                                .getBytes(StandardCharsets.US_ASCII)));
                    }
                }
            }
            selector.selectedKeys().clear();
        }
    }
}
