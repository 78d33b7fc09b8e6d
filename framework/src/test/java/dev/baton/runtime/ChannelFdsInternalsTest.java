package dev.baton.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileDescriptor;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Baton turns received listener fds into channels through JDK internals (see {@link ChannelFds}). If a JDK moves
 * them, this fails here, loudly, instead of in the middle of an upgrade. The build runs it on JDK 17; run it on the
 * newest JDK too ({@code JAVA_HOME=... ./mvnw -pl framework test -Dtest=ChannelFdsInternalsTest}).
 */
class ChannelFdsInternalsTest {

    @Test
    void theJdkInternalsChannelFdsUsesHaveTheirShape() throws Exception {
        var newFd = Class.forName("sun.nio.ch.IOUtil").getDeclaredMethod("newFD", int.class);
        assertTrue(Modifier.isStatic(newFd.getModifiers()), "IOUtil.newFD is static");
        assertEquals(FileDescriptor.class, newFd.getReturnType());
        Class<?> impl = Class.forName("sun.nio.ch.ServerSocketChannelImpl");
        impl.getDeclaredConstructor(SelectorProvider.class, ProtocolFamily.class, FileDescriptor.class, boolean.class);
        assertEquals(int.class, Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal").getReturnType());
        assertSame(impl, ServerSocketChannel.open().getClass(), "the JDK's listeners are still ServerSocketChannelImpl");
        ChannelFds.check(); // opened to us by the surefire argLine, as by the manifest in a jar
    }

    @Test
    void anAdoptedListenerIsTheJdksOwnChannelAndServes() throws Exception {
        for (String host : new String[] {"127.0.0.1", "::1"}) {
            ServerSocketChannel original;
            try {
                original = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            } catch (java.io.IOException noIpv6) {
                continue; // IPv6 disabled on this machine
            }
            int copy = Native.dup(ChannelFds.fdOf(original));
            InetSocketAddress address = (InetSocketAddress) original.getLocalAddress();
            original.close();

            try (ServerSocketChannel adopted = ChannelFds.adoptListener(copy); Selector selector = Selector.open()) {
                assertSame(ServerSocketChannel.open().getClass(), adopted.getClass());
                assertSame(SelectorProvider.provider(), adopted.provider());
                assertEquals(address, adopted.getLocalAddress());
                assertEquals(copy, ChannelFds.fdOf(adopted));
                adopted.configureBlocking(false);
                adopted.register(selector, SelectionKey.OP_ACCEPT);
                try (SocketChannel client = SocketChannel.open(address)) {
                    assertEquals(1, selector.select(5000), "the connection is selected");
                    try (SocketChannel accepted = adopted.accept()) {
                        accepted.write(ByteBuffer.wrap("adopted\n".getBytes(StandardCharsets.US_ASCII)));
                    }
                    ByteBuffer answer = ByteBuffer.allocate(16);
                    client.read(answer);
                    assertEquals("adopted\n", new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII));
                }
            }
            assertThrows(java.io.IOException.class, () -> Native.close(copy), "closing the channel closed the fd");
        }
    }

    @Test
    void refusesWhatIsNotAListeningTcpSocket() throws Exception {
        try (SocketChannel unbound = SocketChannel.open();
                ServerSocketChannel unix = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            String notListening = assertThrows(java.io.IOException.class,
                    () -> ChannelFds.adoptListener(ChannelFds.fdOf(unbound))).getMessage();
            assertTrue(notListening.contains("does not listen"), notListening);
            String notTcp = assertThrows(java.io.IOException.class,
                    () -> ChannelFds.adoptListener(ChannelFds.fdOf(unix))).getMessage();
            assertTrue(notTcp.contains("not a TCP socket"), notTcp);
            assertTrue(unbound.isOpen() && unix.isOpen(), "a refused fd is left to its owner");
        }
    }
}
