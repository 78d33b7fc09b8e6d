package dev.baton.it;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What sockets a process holds, read from its {@code /proc/<pid>/fd} and the kernel's socket tables. */
final class ProcSockets {

    private static final String LISTEN = "0A";
    private static final List<String> TCP = List.of("/proc/net/tcp", "/proc/net/tcp6");

    /**
     * A process's sockets by kind: TCP listeners, TCP connections (accepted from clients or opened), Unix sockets,
     * and the rest (UDP, netlink...), which an app serving HTTP should not have.
     */
    record Held(int listening, int tcpConnections, int unix, int other, Set<String> others) {
        @Override
        public String toString() {
            return listening + " listening, " + tcpConnections + " TCP connections, " + unix + " Unix, " + other
                    + " other" + (others.isEmpty() ? "" : " " + others);
        }
    }

    private ProcSockets() {
    }

    static Held heldBy(long pid) throws IOException {
        Set<String> held = socketInodes(pid);
        int listening = 0;
        int connections = 0;
        for (String table : TCP) {
            for (String[] row : rows(table)) {
                if (held.remove(row[9])) {
                    if (row[3].equals(LISTEN)) {
                        listening++;
                    } else {
                        connections++;
                    }
                }
            }
        }
        int unix = 0;
        for (String[] row : rows("/proc/net/unix")) {
            if (row.length > 6 && held.remove(row[6])) {
                unix++;
            }
        }
        Set<String> others = new HashSet<>();
        for (String table : List.of("udp", "udp6", "raw", "raw6", "netlink", "packet")) {
            for (String[] row : rows("/proc/net/" + table)) {
                for (String column : row) {
                    if (held.remove(column)) {
                        others.add(table + ":" + column);
                    }
                }
            }
        }
        // A connection that closed after the fd list was read is in no table any more: not held, not unknown.
        held.retainAll(socketInodes(pid));
        held.forEach(inode -> others.add("unknown:" + inode));
        return new Held(listening, connections, unix, others.size(), others);
    }

    /** The inodes of the TCP sockets listening on {@code port}, from the kernel's tables. */
    static Set<String> listeningInodes(int port) throws IOException {
        Set<String> inodes = new HashSet<>();
        for (String table : TCP) {
            for (String[] row : rows(table)) {
                if (row[3].equals(LISTEN) && row[1].endsWith(":" + String.format("%04X", port))) {
                    inodes.add(row[9]);
                }
            }
        }
        return inodes;
    }

    /** The inodes of the sockets among {@code pid}'s open fds. */
    static Set<String> socketInodes(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds) {
                try {
                    String link = Files.readSymbolicLink(fd).toString();
                    if (link.startsWith("socket:[")) {
                        inodes.add(link.substring(8, link.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // an fd closed while the directory was read
                }
            }
        }
        return inodes;
    }

    private static List<String[]> rows(String table) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(table));
        return lines.subList(1, lines.size()).stream().map(line -> line.trim().split("\\s+")).toList();
    }
}
