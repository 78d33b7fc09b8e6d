package dev.baton.runtime;

import dev.baton.ops.Generation;
import dev.baton.server.HttpServer;
import java.net.InetSocketAddress;
import java.time.Instant;

/** The lifecycle as the operator's endpoints see it: read at each request, never cached. */
final class GenerationStatus implements Generation {

    private final Lifecycle lifecycle;

    GenerationStatus(Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public int generation() {
        return lifecycle.generation();
    }

    @Override
    public long pid() {
        return lifecycle.pid();
    }

    @Override
    public Instant started() {
        return lifecycle.since();
    }

    @Override
    public String state() {
        return lifecycle.stateName();
    }

    @Override
    public boolean serving() {
        return lifecycle.takesConnections();
    }

    @Override
    public int exchanges() {
        HttpServer server = lifecycle.server();
        return server == null ? 0 : server.exchanges();
    }

    @Override
    public int connections() {
        HttpServer server = lifecycle.server();
        return server == null ? 0 : server.connections();
    }

    @Override
    public String listener() {
        Listener listener = lifecycle.listener();
        try {
            InetSocketAddress address = (InetSocketAddress) listener.channel().getLocalAddress();
            String host = address.getAddress().isAnyLocalAddress() ? "0.0.0.0" : address.getHostString();
            return host + ":" + address.getPort() + " (" + listener.source() + ")";
        } catch (java.io.IOException | RuntimeException closed) {
            return "closed (" + listener.source() + ")";
        }
    }

    @Override
    public UpgradeRecord lastUpgrade() {
        return lifecycle.lastUpgrade();
    }
}
