package dev.baton.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Headless Chromium, started with a fresh profile and the DevTools protocol on a free port of 127.0.0.1. */
public final class Chromium implements AutoCloseable {
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
    private static volatile String whyMissing = "";

    private final Process process;
    private final Path profile;
    private final int port;

    private Chromium(Process process, Path profile, int port) {
        this.process = process;
        this.profile = profile;
        this.port = port;
    }

    public static String missing() {
        return whyMissing;
    }

    /** The Chromium to use: -Dchromium=PATH, else the first of {@link #NAMES} on the PATH, else one apt-get installs. */
    public static Optional<String> findOrInstall(Path log) throws Exception {
        Optional<String> found = find();
        if (found.isPresent()) {
            return found;
        }
        String names = String.join(", ", NAMES);
        if (Boolean.parseBoolean(System.getProperty("chromium.install", "true")) && root() && onPath("apt-get").isPresent()) {
            System.out.println("[chromium] no Chromium (" + names + ") on the PATH: apt-get install -y chromium (log: " + log + ")");
            Files.createDirectories(log.getParent());
            if (!apt(log, "install", "-y", "-qq", "chromium")) {
                apt(log, "update", "-qq");
                apt(log, "install", "-y", "-qq", "chromium");
            }
            found = find();
            if (found.isPresent()) {
                return found;
            }
            whyMissing = "Chromium (" + names + ") is not installed and 'apt-get install -y chromium' failed (see " + log + ")";
        } else {
            whyMissing = "Chromium (" + names + ") is not installed, and it cannot be installed here (this is not root with"
                    + " apt-get, or -Dchromium.install=false): install the Debian package 'chromium', or pass -Dchromium=/path/to/chrome";
        }
        return Optional.empty();
    }

    private static Optional<String> find() {
        String configured = System.getProperty("chromium", "");
        if (!configured.isBlank()) {
            return Files.isExecutable(Path.of(configured)) ? Optional.of(configured) : Optional.empty();
        }
        return NAMES.stream().map(Chromium::onPath).flatMap(Optional::stream).findFirst();
    }

    private static Optional<String> onPath(String name) {
        return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator))
                .map(dir -> Path.of(dir, name)).filter(Files::isExecutable).map(Path::toString).findFirst();
    }

    private static boolean root() {
        try {
            Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return id.waitFor(10, TimeUnit.SECONDS) && uid.equals("0");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean apt(Path log, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("apt-get"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process apt = builder.start();
        if (!apt.waitFor(10, TimeUnit.MINUTES)) {
            apt.destroyForcibly();
            return false;
        }
        return apt.exitValue() == 0;
    }

    public static Chromium launch(String executable, Path log) throws Exception {
        Path profile = Files.createTempDirectory("baton-chromium-");
        List<String> command = List.of(executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps",
                "--no-proxy-server", "--hide-scrollbars", "--mute-audio", "--user-data-dir=" + profile,
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank");
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        Path activePort = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.isRegularFile(activePort) || Files.readAllLines(activePort).isEmpty()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                Chromium failed = new Chromium(process, profile, 0);
                failed.close();
                throw new IllegalStateException("Chromium did not start (" + String.join(" ", command) + "):\n"
                        + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return new Chromium(process, profile, Integer.parseInt(Files.readAllLines(activePort).get(0).trim()));
    }

    /** The DevTools WebSocket of the page Chromium opened. */
    public URI pageWebSocket() throws Exception {
        String list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                BodyHandlers.ofString()).body();
        for (JsonNode target : new ObjectMapper().readTree(list)) {
            if (target.path("type").asText().equals("page")) {
                return URI.create(target.get("webSocketDebuggerUrl").asText());
            }
        }
        throw new IllegalStateException("Chromium has no page to drive: " + list);
    }

    @Override
    public void close() throws IOException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }
}
