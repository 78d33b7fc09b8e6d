package dev.baton.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listening sockets handed from one process to another with SCM_RIGHTS, then served by the receiver alone: real
 * TCP connections on 127.0.0.1 and ::1, a real second JVM started as {@code java -jar} with only its manifest's
 * {@code Add-Opens}, as a new generation is.
 */
class ListenerHandoffTest {

    private static final long DEADLINE = TimeUnit.SECONDS.toNanos(10);

    @TempDir
    Path dir;

    @Test
    void descriptorsAndTheirNamesCrossAUnixSocketInOneMessage() throws Exception {
        List<ServerSocketChannel> listeners = listeners();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(dir.resolve("fds.sock")));
            try (SocketChannel sender = SocketChannel.open(server.getLocalAddress()); SocketChannel receiver = server.accept()) {
                ScmRights.send(sender, names(listeners), fdsOf(listeners), System.nanoTime() + DEADLINE);
                ScmRights.Received received = ScmRights.receive(receiver, System.nanoTime() + DEADLINE);
                assertEquals(names(listeners), received.line());
                assertEquals(listeners.size(), received.fds().length);
                List<ServerSocketChannel> adopted = new ArrayList<>();
                for (int fd : received.fds()) {
                    adopted.add(ChannelFds.adoptListener(fd));
                }
                for (int i = 0; i < listeners.size(); i++) {
                    InetSocketAddress address = (InetSocketAddress) listeners.get(i).getLocalAddress();
                    assertEquals(address, adopted.get(i).getLocalAddress());
                    listeners.get(i).close(); // the sender's copy: the receiver's own goes on listening
                    try (SocketChannel client = SocketChannel.open(address); SocketChannel accepted = adopted.get(i).accept()) {
                        accepted.write(ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)));
                        ByteBuffer answer = ByteBuffer.allocate(2);
                        client.read(answer);
                        assertArrayEquals("ok".getBytes(StandardCharsets.US_ASCII), answer.array());
                    }
                    adopted.get(i).close();
                }

                ScmRights.send(sender, "none", new int[0], System.nanoTime() + DEADLINE);
                assertEquals(0, ScmRights.receive(receiver, System.nanoTime() + DEADLINE).fds().length);
                long start = System.nanoTime();
                IOException silent = assertThrows(IOException.class,
                        () -> ScmRights.receive(receiver, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200)));
                assertTrue(silent.getMessage().contains("not ready in time"), silent.getMessage());
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "the wait is bounded");
                sender.close();
                IOException closed = assertThrows(IOException.class, () -> ScmRights.receive(receiver, System.nanoTime() + DEADLINE));
                assertTrue(closed.getMessage().contains("closed the stream"), closed.getMessage());
            }
        }
    }

    @Test
    void aSecondJvmStartedWithJavaJarServesTheListenersItReceivedAfterTheSenderClosedItsCopies() throws Exception {
        List<ServerSocketChannel> listeners = listeners();
        Path socket = dir.resolve("handoff.sock");
        Path log = dir.resolve("receiver.log");
        Process child = null;
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", receiverJar().toString(), socket.toString())
                    .redirectError(log.toFile()).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
            CompletableFuture<String> said = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return "unreadable: " + e;
                }
            });

            server.configureBlocking(false);
            SocketChannel toChild = null;
            for (long end = System.nanoTime() + DEADLINE; toChild == null && System.nanoTime() < end && child.isAlive(); ) {
                toChild = server.accept();
                Thread.sleep(toChild == null ? 20 : 0);
            }
            assertNotNull(toChild, "the child connected; its stderr: " + Files.readString(log));
            ScmRights.send(toChild, names(listeners), fdsOf(listeners), System.nanoTime() + DEADLINE);
            toChild.close();
            for (ServerSocketChannel listener : listeners) {
                listener.close();
            }

            String line = said.get(20, TimeUnit.SECONDS);
            assertNotNull(line, "the child said where it listens; its stderr: " + Files.readString(log));
            assertTrue(line.startsWith("LISTENING"), line + "; its stderr: " + Files.readString(log));
            for (int i = 0; i < listeners.size(); i++) {
                String name = names(listeners).split(",")[i];
                InetSocketAddress address = address(line, name);
                for (int round = 0; round < 3; round++) {
                    assertEquals(name + " " + child.pid(), ask(address), "connection " + round + " on " + name);
                }
            }
        } finally {
            if (child != null) {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** 127.0.0.1 always, ::1 when this machine has IPv6, both on a free port. */
    private static List<ServerSocketChannel> listeners() throws IOException {
        List<ServerSocketChannel> listeners = new ArrayList<>();
        listeners.add(ServerSocketChannel.open(StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)));
        try {
            listeners.add(ServerSocketChannel.open(StandardProtocolFamily.INET6)
                    .bind(new InetSocketAddress(InetAddress.getByName("::1"), 0)));
        } catch (IOException | UnsupportedOperationException noIpv6) {
            System.err.println("no IPv6 listener: " + noIpv6);
        }
        return listeners;
    }

    private static String names(List<ServerSocketChannel> listeners) {
        return listeners.size() == 2 ? "http,admin" : "http";
    }

    private static int[] fdsOf(List<ServerSocketChannel> listeners) {
        return listeners.stream().mapToInt(ChannelFds::fdOf).toArray();
    }

    private static InetSocketAddress address(String listening, String name) throws IOException {
        for (String part : listening.split(" ")) {
            if (part.startsWith(name + "=/")) {
                String hostPort = part.substring(name.length() + 2);
                int colon = hostPort.lastIndexOf(':');
                String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
                return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(hostPort.substring(colon + 1)));
            }
        }
        throw new AssertionError("no " + name + " in " + listening);
    }

    private static String ask(InetSocketAddress address) throws Exception {
        try (SocketChannel client = SocketChannel.open(address)) {
            client.socket().setSoTimeout(5000);
            return new BufferedReader(new InputStreamReader(client.socket().getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    /**
     * A jar like an app's: Main-Class, Add-Opens and Enable-Native-Access in its manifest, and this test's class
     * path as its Class-Path, so the child gets no command-line flag.
     */
    private Path receiverJar() throws IOException {
        StringBuilder classPath = new StringBuilder();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            classPath.append(new File(entry).toURI()).append(' ');
        }
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, ListenerReceiver.class.getName());
        main.put(Attributes.Name.CLASS_PATH, classPath.toString().trim());
        main.putValue("Add-Opens", "java.base/sun.nio.ch");
        main.putValue("Enable-Native-Access", "ALL-UNNAMED");
        Path jar = dir.resolve("receiver.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(file, manifest)) {
            return jar;
        }
    }
}
