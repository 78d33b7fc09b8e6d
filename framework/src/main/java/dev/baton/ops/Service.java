package dev.baton.ops;

import dev.baton.config.BatonConfig;
import dev.baton.runtime.PidFile;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A running Baton service as the {@code baton} command finds it: the pid file names the serving generation, and
 * its {@code /status} answers under {@code baton.opsPath} on the admin listener, or on the main one when there is
 * none. Both come from the settings the app reads ({@code baton.pidFile}, {@code baton.admin}, {@code baton.host},
 * {@code baton.port}, {@code baton.opsPath}, as
 * {@code -Dbaton.*} or {@code BATON_*}), so a script run with the service's environment finds it; the command's
 * {@code --pid-file} and {@code --url} win over them.
 */
final class Service {

    private static final int CONNECT_MILLIS = 2000;
    private static final int READ_MILLIS = 5000;

    private final Path pidFile;
    private final URI opsUrl;
    private final String noStatus;

    private Service(Path pidFile, URI opsUrl, String noStatus) {
        this.pidFile = pidFile;
        this.opsUrl = opsUrl;
        this.noStatus = noStatus;
    }

    /**
     * @param pidFileOption {@code --pid-file}, or null
     * @param urlOption {@code --url}, the ops endpoints' base ({@code http://127.0.0.1:8080/baton}), or null
     * @throws IllegalArgumentException when {@code --url} is no http(s) URL
     */
    static Service locate(BatonConfig config, String pidFileOption, String urlOption) {
        Path pidFile = pidFileOption != null ? Path.of(pidFileOption) : config.pidFile().orElse(null);
        if (urlOption != null) {
            return new Service(pidFile, parseUrl(urlOption), null);
        }
        if (config.opsPath().isEmpty()) {
            return new Service(pidFile, null, "baton.opsPath is off");
        }
        if (config.admin().isPresent()) { // the endpoints answer there, not on the main listener
            java.net.InetSocketAddress admin = config.admin().get();
            if (admin.getPort() == 0) {
                return new Service(pidFile, null, "baton.admin has port 0 (a free port each start): give --url");
            }
            return new Service(pidFile, parseUrl("http://" + hostToAsk(admin.getHostString()) + ":" + admin.getPort()
                    + config.opsPath().get()), null);
        }
        if (config.port() == 0) {
            return new Service(pidFile, null, "baton.port is 0 (a free port each start): give --url");
        }
        return new Service(pidFile, parseUrl("http://" + hostToAsk(config.host()) + ":" + config.port()
                + config.opsPath().get()), null);
    }

    /** Where to reach a listener bound to {@code host} from this machine, as a URL's host. */
    private static String hostToAsk(String host) {
        if (host.equals("0.0.0.0")) {
            host = "127.0.0.1"; // bound to every address: loopback is one of them
        } else if (host.equals("::") || host.equals("[::]")) {
            host = "[::1]";
        } else if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return host;
    }

    private static URI parseUrl(String text) {
        String base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        try {
            URI uri = new URI(base);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("--url " + text + ": expected the ops endpoints' base, like http://127.0.0.1:8080/baton");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--url " + text + ": " + e.getMessage(), e);
        }
    }

    Path pidFile() {
        return pidFile;
    }

    boolean hasStatus() {
        return opsUrl != null;
    }

    /** Why there is no status to read (e.g. {@code baton.opsPath is off}); null when there is one. */
    String noStatus() {
        return noStatus;
    }

    String statusUrl() {
        return opsUrl + "/status";
    }

    /** The pid in the pid file; empty when there is no file (yet, or any more). */
    OptionalLong pid() throws IOException {
        return PidFile.read(pidFile);
    }

    /** The pid in the pid file if that process runs; else -1 (no file, an unreadable one, or a process gone). */
    long livePid() {
        try {
            OptionalLong pid = pid();
            return pid.isPresent() && alive(pid.getAsLong()) ? pid.getAsLong() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * The CPU time, in clock ticks, of the children {@code pid} has reaped (cutime + cstime in /proc/pid/stat); -1
     * when unreadable. A generation's only children are the generations it starts, and a JVM runs for many ticks
     * before it can fail: when this grows, a child it started has exited, however briefly it lived.
     */
    static long reapedChildTicks(long pid) {
        try {
            String[] fields = statAfterComm(pid).split(" "); // fields[0] is field 3, the state
            return Long.parseLong(fields[13]) + Long.parseLong(fields[14]); // fields 16 and 17
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Whether {@code pid} runs: a zombie (exited, not yet reaped by its parent) does not. */
    static boolean alive(long pid) {
        try {
            String fields = statAfterComm(pid);
            char state = fields.isEmpty() ? '?' : fields.charAt(0);
            return state != 'Z' && state != 'X';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    /**
     * /proc/pid/stat from its third field, the state, on ("" if it has none): "pid (comm) state ...", where comm may
     * hold spaces and parentheses, so the fields start after the last ')'.
     */
    private static String statAfterComm(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
        int end = stat.lastIndexOf(')');
        return end > 0 && end + 2 < stat.length() ? stat.substring(end + 2) : "";
    }

    /** The serving generation's status, over a new connection each time. */
    ServiceStatus status() throws IOException {
        return ServiceStatus.parse(get(statusUrl()));
    }

    /** {@link #status()}, or null when it does not answer now (during a hand-off, say). */
    ServiceStatus statusOrNull() {
        try {
            return status();
        } catch (IOException e) {
            return null;
        }
    }

    private static String get(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(CONNECT_MILLIS);
        connection.setReadTimeout(READ_MILLIS);
        connection.setUseCaches(false);
        // never a kept-alive connection: one accepted by the old generation would keep reaching it
        connection.setRequestProperty("Connection", "close");
        try {
            int code = connection.getResponseCode();
            InputStream body = code < 400 ? connection.getInputStream() : connection.getErrorStream();
            String text = body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8);
            if (code != 200) {
                throw new IOException(url + " answered " + code + ": " + ServiceStatus.oneLine(text));
            }
            return text;
        } finally {
            connection.disconnect();
        }
    }
}
