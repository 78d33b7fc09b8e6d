package dev.baton.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;

import org.junit.jupiter.api.Test;

class FdsTest {


    @Test
    void findsTheFdOfADefaultDualStackChannel() throws IOException {
        assertIsTheListener(ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0)));
    }

    @Test
    void findsTheFdOfAnIpv4OnlyChannel() throws IOException {
        assertIsTheListener(ServerSocketChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress("127.0.0.1", 0)));
    }

    @Test
    void findsTheFdOfAnIpv6Channel() throws IOException {
        assumeTrue(ipv6LoopbackWorks(), "::1 is not available here");
        assertIsTheListener(ServerSocketChannel.open(StandardProtocolFamily.INET6).bind(new InetSocketAddress("::1", 0)));
    }

    @Test
    void aDupIsListedButTheChannelsOwnFdIsPreferred() throws IOException {
        try (ServerSocketChannel channel = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int fd = Fds.fdOf(channel);
            int copy = NativeTest.freeFd();
            Native.dup2(fd, copy);
            try {
                assertTrue(NativeTest.link(fd).startsWith("socket:["), NativeTest.link(fd));
                assertEquals(NativeTest.link(fd), NativeTest.link(copy), "the dup is the same socket");
                assertEquals(fd, Fds.fdOf(channel));
            } finally {
                Native.close(copy);
            }
        }
    }

    @Test
    void prefersAnFdAboveStdio() {
        assertEquals(7, Fds.preferAboveStdio(Set.of(0, 9, 7)));
        assertEquals(0, Fds.preferAboveStdio(Set.of(0)));
        assertEquals(1, Fds.preferAboveStdio(Set.of(2, 1)));
    }

    @Test
    void anUnboundChannelHasNoFdToFind() throws IOException {
        try (ServerSocketChannel channel = ServerSocketChannel.open()) {
            IOException e = assertThrows(IOException.class, () -> Fds.fdOf(channel));
            assertTrue(e.getMessage().contains("not bound"), e.getMessage());
        }
    }

    /**
     * Checks the fd found independently of Fds' inode matching: a dup of it keeps the port
     * listening after the channel closes, and the port stops listening once the dup closes too.
     */
    private static void assertIsTheListener(ServerSocketChannel channel) throws IOException {
        InetSocketAddress address = (InetSocketAddress) channel.getLocalAddress();
        int copy = NativeTest.freeFd();
        try (channel) {
            int fd = Fds.fdOf(channel);
            assertTrue(fd > 2, "fd " + fd);
            assertTrue(NativeTest.link(fd).startsWith("socket:["), NativeTest.link(fd));
            Native.dup2(fd, copy);
        }
        try (SocketChannel client = SocketChannel.open(address)) {
            assertTrue(client.isConnected());
        } finally {
            Native.close(copy);
        }
        assertThrows(ConnectException.class, () -> SocketChannel.open(address).close());
    }

    private static boolean ipv6LoopbackWorks() {
        try (ServerSocketChannel probe = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
            probe.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
