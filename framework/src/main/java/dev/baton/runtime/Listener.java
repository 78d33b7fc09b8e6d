package dev.baton.runtime;

import dev.baton.config.BatonConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.util.Map;

/**
 * Where this generation's listening socket comes from: its parent (fd 0), systemd socket activation (fd 3,
 * moved to 0), or a bind of its own. Every generation ends up able to hand the same socket to its child at
 * fd 0, the one fd the JDK turns back into a channel ({@link System#inheritedChannel()}).
 */
record Listener(ServerSocketChannel channel, String source, boolean fromFdZero) {

    static final int SYSTEMD_FIRST_FD = 3;

    /** The listener a parent handed over at fd 0. */
    static Listener inherited(Handoff handoff) {
        return new Listener(inheritedChannel(), "inherited from gen " + (handoff.generation() - 1) + " pid " + handoff.parentPid(), true);
    }

    /** systemd's socket at {@code fd}, moved to fd 0: the one fd a child started with stdin inherited gets. */
    static Listener fromSystemdFd(int fd) {
        try {
            Native.dup2(fd, 0);
            Native.close(fd);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take systemd's socket (fd " + fd + ")", e);
        }
        return new Listener(inheritedChannel(), "systemd socket activation", true);
    }

    static Listener bind(BatonConfig config) {
        return bind(new InetSocketAddress(config.host(), config.port()), config.host() + ":" + config.port());
    }

    /**
     * The listener beyond fd 0 named {@code name}: the one {@code offered} (by the parent, or by systemd) when there
     * is one, so that it never closes across an upgrade; else bound here (the first generation, or a release that
     * adds it).
     */
    static Listener named(String name, InetSocketAddress address, Map<String, Listener> offered) {
        Listener given = offered.get(name);
        return given != null ? given : bind(address, "the " + name + " listener " + describe(address));
    }

    private static Listener bind(InetSocketAddress address, String what) {
        try {
            ServerSocketChannel channel = ServerSocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(address, 1024);
            return new Listener(channel, "bound", false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + what + ": " + e.getMessage(), e);
        }
    }

    /** {@code host:port} as written in settings: an IPv6 host in brackets, the wildcard as 0.0.0.0 or [::]. */
    static String describe(InetSocketAddress address) {
        String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        if (address.getAddress() != null && address.getAddress().isAnyLocalAddress()) {
            host = host.contains(":") ? "::" : "0.0.0.0";
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    static String describe(ServerSocketChannel channel) {
        try {
            return describe((InetSocketAddress) channel.getLocalAddress());
        } catch (IOException e) {
            return channel.toString();
        }
    }

    /**
     * Starts {@code child} with this listener as its fd 0, the one fd a child started with stdin inherited gets.
     * A listener that is not already at fd 0 goes there only for the spawn: were it left there, a final stop
     * would close the channel but not this copy, and the socket would go on queueing connections nobody takes
     * instead of refusing them.
     */
    Process startWithListenerAtFdZero(ProcessBuilder child) throws IOException {
        if (fromFdZero) {
            return child.start();
        }
        int stdin = Native.dup(0);
        try {
            Native.dup2(Fds.fdOf(channel), 0);
            return child.start();
        } finally {
            Native.dup2(stdin, 0);
            Native.close(stdin);
        }
    }

    private static int dupOrNone(int fd) {
        try {
            return Native.dup(fd);
        } catch (IOException closed) {
            return -1;
        }
    }

    /**
     * Runs {@code close}, which closes this listener, keeping stdout and stderr. When a channel from
     * {@link System#inheritedChannel()} closes, the JDK points fds 0, 1 and 2 at /dev/null (inetd's convention,
     * where they were the connection); a generation's log would vanish mid-drain. Never fails: a drain must go
     * on even when no fd is left to keep the output with (EMFILE), at the cost of the rest of the log.
     */
    void closeKeepingOutput(Runnable close, Events events) {
        if (!fromFdZero) {
            close.run();
            return;
        }
        int out = dupOrNone(1);
        int err = dupOrNone(2);
        if (out < 0 || err < 0) {
            events.warn("cannot keep stdout and stderr while closing the listener (no fd to spare?): the rest of this"
                    + " generation's output is lost");
        }
        try {
            close.run();
        } finally {
            restore(out, 1, events);
            restore(err, 2, events);
        }
    }

    private static void restore(int copy, int fd, Events events) {
        if (copy < 0) {
            return;
        }
        try {
            Native.dup2(copy, fd);
            Native.close(copy);
        } catch (IOException e) {
            events.warn("cannot restore fd {}: {}", fd, e.getMessage());
        }
    }

    private static ServerSocketChannel inheritedChannel() {
        try {
            Channel channel = System.inheritedChannel();
            if (channel instanceof ServerSocketChannel listening) {
                return listening;
            }
            throw new IllegalStateException("fd 0 is not a listening TCP socket but " + channel);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the inherited listener at fd 0", e);
        }
    }
}
