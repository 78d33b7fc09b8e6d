package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.tools.KeepAliveClient;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Baton behind the real balancers, with the configurations the Deploying page shows (src/test/resources/balancers,
 * included there from these files): HAProxy takes an instance out while its readiness fails and puts it back when
 * it passes, and an upgrade of each instance behind HAProxy and behind nginx, under keep-alive clients that never
 * retry, loses no request. Each balancer is a process of the test on 127.0.0.1 (not a system service), with its
 * pid, log and socket files in a temporary directory, and is stopped at the end. Skipped only where the balancer
 * is not installed ({@code apt-get install haproxy nginx}; .ci/run installs both).
 */
class BalancerIT {

    private static final Pattern DRAINING = Pattern.compile("draining \\d+ exchanges on (\\d+) connections");

    @Test
    void haproxyTakesAnInstanceOutWhileItIsNotReadyAndAFleetBehindItLosesNoRequest() throws Exception {
        String haproxy = installed("haproxy");
        int[] ports = {Deployment.freePort(), Deployment.freePort(), Deployment.freePort()};
        try (Deployment a = new Deployment(); Deployment b = new Deployment(); Deployment c = new Deployment()) {
            Path aNotReady = a.dir.resolve("not-ready");
            a.start("-Dbaton.port=" + ports[0], "-DtestApp.notReadyWhile=" + aNotReady);
            b.start("-Dbaton.port=" + ports[1]);
            c.start("-Dbaton.port=" + ports[2]);
            try (Balancer balancer = Balancer.haproxy(haproxy, ports[0], ports[1], ports[2])) {
                balancer.await(() -> Stream.of("app1", "app2", "app3").allMatch(server -> "UP".equals(balancer.haproxyStatus(server))),
                        15, "the three servers UP");

                // The app's readiness check fails on a: HAProxy marks it DOWN (2 failed checks) and sends it nothing.
                Files.createFile(aNotReady);
                long failing = System.nanoTime();
                balancer.await(() -> "DOWN".equals(balancer.haproxyStatus("app1")), 10, "app1 DOWN");
                long outMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - failing);
                assertTrue(outMillis < 5_000, "out after " + outMillis + " ms (inter 2s fastinter 500ms fall 2)");
                assertEquals("UP", balancer.haproxyStatus("app2"));
                long aPid = a.currentPid();
                for (int i = 0; i < 10; i++) {
                    String answer = balancer.get("/");
                    assertTrue(answer.startsWith("HTTP/1.1 200 ") && !answer.endsWith("pid " + aPid), answer);
                }
                // Ready again: UP after 2 good checks, and it serves again.
                Files.delete(aNotReady);
                long passing = System.nanoTime();
                balancer.await(() -> "UP".equals(balancer.haproxyStatus("app1")), 10, "app1 UP again");
                System.out.println("haproxy: app1 DOWN " + outMillis + " ms after its readiness failed, UP "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - passing) + " ms after it passed again");
                balancer.await(() -> balancer.get("/").endsWith("\r\n\r\ngen 1 pid " + aPid), 5, "app1 to serve again");

                rollingUpgradeAndARestartUnderLoad(balancer, ports, a, b, c);
            }
        }
    }

    @Test
    void aFleetBehindNginxLosesNoRequest() throws Exception {
        String nginx = installed("nginx");
        int[] ports = {Deployment.freePort(), Deployment.freePort(), Deployment.freePort()};
        try (Deployment a = new Deployment().start("-Dbaton.port=" + ports[0]);
                Deployment b = new Deployment().start("-Dbaton.port=" + ports[1]);
                Deployment c = new Deployment().start("-Dbaton.port=" + ports[2]);
                Balancer balancer = Balancer.nginx(nginx, ports[0], ports[1], ports[2])) {
            balancer.await(() -> balancer.get("/").startsWith("HTTP/1.1 200 "), 15, "nginx to answer");
            rollingUpgradeAndARestartUnderLoad(balancer, ports, a, b, c);
        }
    }

    /**
     * Under load through the balancer (keep-alive clients that never retry, and wrk where it is installed): a
     * rolling upgrade of the three instances, one after the other; then one stopped with SIGTERM (it drains) and
     * started again. No request may fail or be answered other than 2xx, at any client of the balancer.
     */
    private static void rollingUpgradeAndARestartUnderLoad(Balancer balancer, int[] ports, Deployment... apps) throws Exception {
        KeepAliveClient load = new KeepAliveClient("127.0.0.1", balancer.port, 4, 120);
        Wrk.Run wrk = Wrk.start(balancer.port, 120);
        long[] upgraded = new long[apps.length];
        try (load) {
            balancer.await(() -> load.ok() > 200, 20, "load through the balancer");
            for (int i = 0; i < apps.length; i++) {
                upgraded[i] = apps[i].upgrade();
                long before = load.ok();
                balancer.await(() -> load.ok() > before + 200, 20, "load after upgrade " + (i + 1));
            }
            // Taken out for maintenance and back: SIGTERM drains it (its listener refuses from then on), the
            // balancer sends the next requests elsewhere; started again on the same port, it takes its share.
            Deployment maintained = apps[1];
            maintained.signal(upgraded[1], "TERM");
            maintained.awaitGone(upgraded[1], 30);
            long down = load.ok();
            balancer.await(() -> load.ok() > down + 200, 20, "load while one instance is stopped");
            maintained.start("-Dbaton.port=" + ports[1]);
            long restarted = maintained.currentPid();
            balancer.await(() -> load.answers().containsKey("gen 1 pid " + restarted), 30, "the restarted instance to serve");
        }
        Wrk.Result wrkResult = Wrk.stop(wrk);
        System.out.println("through " + balancer.name + ", three upgraded and one restarted: " + load.summary() + "; wrk " + wrkResult);
        String summary = load.summary() + "; wrk " + wrkResult + "\n--- " + balancer.name + " log:\n" + balancer.tail();
        assertEquals(0, load.failed(), summary);
        assertEquals(0, load.non2xx(), summary);
        assertTrue(wrkResult.clean(), summary);
        for (int i = 0; i < apps.length; i++) {
            assertTrue(load.answers().containsKey("gen 2 pid " + upgraded[i]), load.answers().keySet() + "\n" + summary);
        }
        // The balancer had kept-alive connections to the generations it upgraded away from: these were the
        // connections answered with Connection: close.
        for (Deployment app : apps) {
            Matcher draining = DRAINING.matcher(app.logText());
            assertTrue(draining.find() && Integer.parseInt(draining.group(1)) > 0, app.tail());
        }
    }

    /** The binary's path, or the test is skipped, saying how to install it. */
    private static String installed(String name) {
        List<String> dirs = new ArrayList<>(Arrays.asList(System.getenv("PATH").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/sbin"));
        String found = dirs.stream().map(dir -> Path.of(dir, name)).filter(Files::isExecutable).map(Path::toString)
                .findFirst().orElse(null);
        assumeTrue(found != null, name + " is not installed (apt-get install " + name + "; .ci/run installs it): skipped");
        return found;
    }


    /** A balancer process of the test's own, its files in a temporary directory; closing stops it. */
    private static final class Balancer implements AutoCloseable {

        final String name;
        final Path dir;
        final int port;
        private final Path log;
        private Process process;

        private Balancer(String name) throws IOException {
            this.name = name;
            this.dir = Files.createTempDirectory("baton-it-" + name + "-");
            this.log = dir.resolve(name + ".log");
            this.port = Deployment.freePort();
        }

        /** haproxy.cfg as the page shows it, behind a global section with an admin socket. */
        static Balancer haproxy(String binary, int app1, int app2, int app3) throws Exception {
            Balancer balancer = new Balancer("haproxy");
            Path global = balancer.dir.resolve("global.cfg");
            Files.writeString(global, "global\n    stats socket " + balancer.dir.resolve("admin.sock") + " mode 600 level admin\n");
            Path config = balancer.dir.resolve("haproxy.cfg");
            Files.writeString(config, localized("haproxy.cfg", List.of(
                    "bind :80", "bind 127.0.0.1:" + balancer.port,
                    "10.0.0.11:8080", "127.0.0.1:" + app1,
                    "10.0.0.12:8080", "127.0.0.1:" + app2,
                    "10.0.0.13:8080", "127.0.0.1:" + app3)));
            // -db: in the foreground, its warnings (server UP/DOWN) on stderr
            balancer.start(binary, "-db", "-f", global.toString(), "-f", config.toString(),
                    "-p", balancer.dir.resolve("haproxy.pid").toString());
            return balancer;
        }

        /** nginx.conf as the page shows it (a conf.d file), in an http block of a main file of the test's own. */
        static Balancer nginx(String binary, int app1, int app2, int app3) throws Exception {
            Balancer balancer = new Balancer("nginx");
            Path dir = balancer.dir;
            Path app = dir.resolve("app.conf");
            Files.writeString(app, localized("nginx.conf", List.of(
                    "listen 80;", "listen 127.0.0.1:" + balancer.port + ";",
                    "10.0.0.11:8080", "127.0.0.1:" + app1,
                    "10.0.0.12:8080", "127.0.0.1:" + app2,
                    "10.0.0.13:8080", "127.0.0.1:" + app3)));
            Path main = dir.resolve("nginx.conf");
            Files.writeString(main, String.join("\n",
                    "daemon off;",
                    "worker_processes 1;",
                    "pid " + dir.resolve("nginx.pid") + ";",
                    "error_log " + balancer.log + " notice;",
                    "events { worker_connections 256; }",
                    "http {",
                    "    log_format upstream '$status $request upstream=$upstream_addr $upstream_status';",
                    "    access_log " + dir.resolve("access.log") + " upstream;",
                    "    client_body_temp_path " + dir.resolve("client_body") + ";",
                    "    proxy_temp_path " + dir.resolve("proxy") + ";",
                    "    fastcgi_temp_path " + dir.resolve("fastcgi") + ";",
                    "    uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
                    "    scgi_temp_path " + dir.resolve("scgi") + ";",
                    "    include " + app + ";",
                    "}", ""));
            // -e: its start-up errors here too, not in /var/log/nginx
            balancer.start(binary, "-p", dir + "/", "-c", main.toString(), "-e", balancer.log.toString());
            return balancer;
        }

        /** The configuration file with each of {@code replacements}' pairs replaced, each found exactly once. */
        private static String localized(String resource, List<String> replacements) throws IOException {
            String text;
            try (InputStream in = BalancerIT.class.getResourceAsStream("/balancers/" + resource)) {
                assertTrue(in != null, "no balancers/" + resource + " on the test class path");
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            for (int i = 0; i < replacements.size(); i += 2) {
                String from = replacements.get(i);
                int at = text.indexOf(from);
                assertTrue(at >= 0 && text.indexOf(from, at + 1) < 0, "'" + from + "' once in balancers/" + resource);
                text = text.replace(from, replacements.get(i + 1));
            }
            return text;
        }

        private void start(String... command) throws Exception {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            await(() -> {
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    return true;
                } catch (IOException notYet) {
                    return !process.isAlive();
                }
            }, 10, name + " to listen on " + port);
            assertTrue(process.isAlive(), name + " exited at start-up:\n" + tail());
        }

        /** A server's status from the admin socket's {@code show stat}: UP, DOWN, or a transition (UP 1/2). */
        String haproxyStatus(String server) {
            String csv = haproxyCommand("show stat");
            List<String> header = Arrays.asList(csv.lines().findFirst().orElse("# ").substring(2).split(","));
            int status = header.indexOf("status");
            return csv.lines().map(line -> line.split(","))
                    .filter(row -> row.length > status && row[0].equals("app") && row[1].equals(server))
                    .map(row -> row[status]).findFirst().orElse("no " + server + " in:\n" + csv);
        }

        private String haproxyCommand(String command) {
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(UnixDomainSocketAddress.of(dir.resolve("admin.sock")));
                channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
                return new String(Channels.readAll(channel), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "# (admin socket: " + e + ")";
            }
        }

        /** One GET through the balancer on a fresh connection: the whole response, or the error's text. */
        String get(String path) {
            try {
                return RawHttp.get(port, path, 10_000);
            } catch (IOException e) {
                return e.toString();
            }
        }

        void await(BooleanSupplier condition, int seconds, String what) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    fail("timed out after " + seconds + " s waiting for " + what + "\n--- " + name + " log:\n" + tail());
                }
                Thread.sleep(50);
            }
        }

        String tail() {
            try {
                List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            } catch (IOException e) {
                return e.toString();
            }
        }

        /** SIGTERM (both stop at once), SIGKILL to whatever of it is left after 10 s; then its files go. */
        @Override
        public void close() throws Exception {
            if (process != null) {
                List<ProcessHandle> workers = process.descendants().toList();
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
                // nginx's master stops its workers before it exits; should it not have, they go too
                workers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** Reading a channel to its end. */
    private static final class Channels {
        static byte[] readAll(SocketChannel channel) throws IOException {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                all.write(buffer.array(), 0, buffer.limit());
                buffer.clear();
            }
            return all.toByteArray();
        }
    }
}
