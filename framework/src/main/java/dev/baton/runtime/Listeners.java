package dev.baton.runtime;

import dev.baton.config.BatonConfig;
import dev.baton.server.HttpServer;
import dev.baton.tls.TlsMaterial;
import io.undertow.server.HttpHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ServerSocketChannel;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every listener of a generation and where each comes from: the main one (its parent's fd 0, systemd's socket, or
 * a bind) and those beyond it that the settings ask for, {@code admin} and {@code https} (its parent's copies,
 * systemd's sockets of those names, or a bind).
 */
record Listeners(Listener main, Map<String, Listener> named) {

    private static final String SYSTEMD = "systemd socket activation";

    /**
     * Serves the listeners beyond the main one on {@code server}: the HTTPS one what the main one serves
     * ({@code root}), with {@code tls}; the admin one the operator's endpoints ({@code admin}).
     */
    void serveOthers(HttpServer server, HttpHandler root, HttpHandler admin, TlsMaterial tls, Events events) {
        Listener https = named.get(HandedListeners.HTTPS);
        Listener operator = named.get(HandedListeners.ADMIN);
        try {
            if (https != null) {
                server.serveAlsoTls(https.channel(), root, tls.sslContext());
                events.info("https listener on {} ({}): {}", Listener.describe(https.channel()), https.source(), tls.summary());
                for (String warning : tls.warnings()) {
                    events.warn("https: {}", warning);
                }
            }
            if (operator != null) {
                server.serveAlso(operator.channel(), admin);
                events.info("admin listener on {} ({})", Listener.describe(operator.channel()), operator.source());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the listeners beyond the main one: " + e.getMessage(), e);
        }
    }

    /** The listeners beyond fd 0, by name, as a child gets them on request ({@link HandedListeners}). */
    Map<String, ServerSocketChannel> handed() {
        Map<String, ServerSocketChannel> handed = new LinkedHashMap<>();
        for (Map.Entry<String, Listener> each : named.entrySet()) {
            handed.put(each.getKey(), each.getValue().channel());
        }
        return handed;
    }

    /** Without a parent or systemd: everything bound here. */
    static Listeners bound(BatonConfig config) {
        return new Listeners(Listener.bind(config), named(config, Map.of()));
    }

    /** A generation's listeners: from its parent when it has one, else from systemd, else bound. */
    static Listeners open(BatonConfig config, Optional<Handoff> handoff, Map<String, String> env, long pid) {
        if (handoff.isPresent()) {
            return new Listeners(Listener.inherited(handoff.get()), named(config, fromParent(handoff.get(), pid)));
        }
        Optional<Map<String, Listener>> activated = fromSystemd(env, pid);
        if (activated.isEmpty()) {
            return bound(config);
        }
        Map<String, Listener> named = new HashMap<>(activated.get());
        Listener main = named.remove("");
        return new Listeners(main, named(config, named));
    }

    /**
     * The listeners beyond the main one the settings ask for, taken from {@code offered} or bound; those offered
     * that the settings no longer ask for are closed here (a parent closes its own copies when it drains).
     */
    private static Map<String, Listener> named(BatonConfig config, Map<String, Listener> offered) {
        Map<String, Listener> named = new HashMap<>();
        if (config.admin().isPresent()) {
            named.put(HandedListeners.ADMIN, Listener.named(HandedListeners.ADMIN, config.admin().get(), offered));
        }
        if (config.https().isPresent()) {
            named.put(HandedListeners.HTTPS, Listener.named(HandedListeners.HTTPS, config.https().get(), offered));
        }
        for (Map.Entry<String, Listener> unwanted : offered.entrySet()) {
            if (!named.containsKey(unwanted.getKey())) {
                try {
                    unwanted.getValue().channel().close();
                } catch (IOException alreadyClosed) {
                    // nothing of ours to release
                }
            }
        }
        return named;
    }

    /** The parent's copies of the listeners it offered ({@link HandedListeners}); none when it cannot give them. */
    private static Map<String, Listener> fromParent(Handoff handoff, long pid) {
        Map<String, Listener> offered = new HashMap<>();
        if (handoff.listeners().isEmpty()) {
            return offered;
        }
        String source = "inherited from gen " + (handoff.generation() - 1) + " pid " + handoff.parentPid();
        try {
            for (Map.Entry<String, ServerSocketChannel> handed : HandedListeners.receive(handoff, pid).entrySet()) {
                offered.put(handed.getKey(), new Listener(handed.getValue(), source, false));
            }
        } catch (IOException | RuntimeException e) {
            // A parent killed as this process starts takes its copies with it: binding them here works then, and
            // fails (as the start must) while a living parent still holds them.
            new Events(handoff.generation(), pid).warn("cannot take the listeners {} from the parent generation ({}):"
                    + " binding them", handoff.listeners(), e.getMessage());
        }
        return offered;
    }

    /**
     * systemd's sockets when it activated this very process, by name ({@code FileDescriptorName=} in the socket
     * unit, passed in LISTEN_FDNAMES): {@code https} and {@code admin} are those listeners; the one other socket,
     * whatever its name (or the only one, unnamed), is the main listener, under the key "" and moved to fd 0.
     */
    static Optional<Map<String, Listener>> fromSystemd(Map<String, String> env, long pid) {
        if (!Long.toString(pid).equals(env.get("LISTEN_PID")) || env.get("LISTEN_FDS") == null) {
            return Optional.empty();
        }
        int count;
        try {
            count = Integer.parseInt(env.get("LISTEN_FDS"));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("LISTEN_FDS=" + env.get("LISTEN_FDS") + " is not a number of sockets");
        }
        String names = env.get("LISTEN_FDNAMES");
        String[] name = names == null ? new String[0] : names.split(":", -1);
        if (count == 0) {
            return Optional.empty();
        }
        if (count < 0 || count > 1 && name.length != count) {
            throw new IllegalStateException("systemd passed " + count + " sockets" + (count > 1 ? " without a name each:"
                    + " give them FileDescriptorName=https and admin (and any other name to the main one)" : ""));
        }
        int main = -1;
        Map<String, Integer> fds = new HashMap<>();
        for (int i = 0; i < count; i++) {
            String each = i < name.length ? name[i] : "";
            if (count > 1 && (each.equals(HandedListeners.HTTPS) || each.equals(HandedListeners.ADMIN))) {
                if (fds.put(each, Listener.SYSTEMD_FIRST_FD + i) != null) {
                    throw new IllegalStateException("systemd passed two sockets named " + each);
                }
            } else if (main >= 0) {
                throw new IllegalStateException("systemd passed two sockets for the main listener (" + names
                        + "): name the others https or admin");
            } else {
                main = Listener.SYSTEMD_FIRST_FD + i;
            }
        }
        if (main < 0) {
            throw new IllegalStateException("systemd passed no socket for the main listener (" + names + ")");
        }
        Map<String, Listener> activated = new HashMap<>();
        try {
            for (Map.Entry<String, Integer> fd : fds.entrySet()) {
                activated.put(fd.getKey(), new Listener(ChannelFds.adoptListener(fd.getValue()), SYSTEMD, false));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take systemd's sockets " + names + ": " + e.getMessage(), e);
        }
        activated.put("", Listener.fromSystemdFd(main));
        return Optional.of(activated);
    }
}
