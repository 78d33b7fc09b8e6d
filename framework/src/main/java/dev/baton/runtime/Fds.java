package dev.baton.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * File descriptor numbers of the JVM's own sockets, read from /proc. The JDK keeps the fd of a
 * channel private; rather than reach into its internals (which needs --add-opens and breaks
 * between releases), match the socket's inode as the kernel reports it.
 */
public final class Fds {

    private static final String LISTEN = "0A";
    private static final Path SELF_FD = Path.of("/proc/self/fd");

    private Fds() {
    }

    /** The fd of a bound, listening channel; above stdio unless the socket is only open as 0..2. */
    public static int fdOf(ServerSocketChannel channel) throws IOException {
        if (!(channel.getLocalAddress() instanceof InetSocketAddress local)) {
            throw new IOException("channel is not bound to an internet address: " + channel);
        }
        // The JDK's default sockets are dual-stack IPv6 ones (tcp6 even for 127.0.0.1); those
        // opened for StandardProtocolFamily.INET, or with java.net.preferIPv4Stack, are in tcp.
        Set<String> inodes = new HashSet<>();
        inodes.addAll(listeningInodes(Path.of("/proc/net/tcp"), local.getPort()));
        inodes.addAll(listeningInodes(Path.of("/proc/net/tcp6"), local.getPort()));

        TreeMap<Integer, String> matches = new TreeMap<>();
        links(SELF_FD).forEach((fd, link) -> {
            if (link.startsWith("socket:[") && inodes.contains(link.substring(8, link.length() - 1))) {
                matches.put(fd, link);
            }
        });
        if (matches.isEmpty()) {
            throw new IOException("no open fd of this process is the socket listening on " + local
                    + " (listening inodes for the port: " + inodes + ")");
        }
        if (new HashSet<>(matches.values()).size() > 1) {
            throw new IOException("several distinct sockets of this process listen on port "
                    + local.getPort() + ", cannot tell which is " + local + ": " + matches);
        }
        return preferAboveStdio(matches.keySet());
    }

    /**
     * Picks the lowest fd above 2. In a parent that already dup'ed its listener onto fd 0 for a
     * child, fd 0 is a hand-off copy that may be replaced; the channel's own fd is the one above.
     */
    static int preferAboveStdio(Set<Integer> fds) {
        return fds.stream().filter(fd -> fd > 2).min(Integer::compare)
                .orElseGet(() -> fds.stream().min(Integer::compare).orElseThrow());
    }

    private static Set<String> listeningInodes(Path table, int port) throws IOException {
        if (!Files.exists(table)) {
            return Set.of(); // IPv6 can be disabled in the kernel
        }
        String portHex = String.format("%04X", port);
        Set<String> inodes = new HashSet<>();
        // Columns: sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
        List<String> rows = Files.readAllLines(table);
        for (String row : rows.subList(1, rows.size())) {
            String[] cols = row.trim().split("\\s+");
            if (cols[3].equals(LISTEN) && cols[1].endsWith(":" + portHex)) {
                inodes.add(cols[9]);
            }
        }
        return inodes;
    }

    private static TreeMap<Integer, String> links(Path fdDir) throws IOException {
        TreeMap<Integer, String> links = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(fdDir)) {
            for (Path entry : entries) {
                try {
                    links.put(Integer.parseInt(entry.getFileName().toString()), Files.readSymbolicLink(entry).toString());
                } catch (NoSuchFileException e) {
                    // closed between listing and reading, e.g. by another thread: not open any more
                }
            }
        }
        return links;
    }
}
