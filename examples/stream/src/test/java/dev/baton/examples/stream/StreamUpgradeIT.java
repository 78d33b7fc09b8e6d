package dev.baton.examples.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The stream jar, run as users run it and upgraded with SIGUSR2 under a connected EventSource-like client. */
class StreamUpgradeIT {

    private static final Path JAR = Path.of(System.getProperty("example.jar", "target/stream.jar"));
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final Pattern LISTENING = Pattern.compile("gen=1 pid=\\d+ listening on 127\\.0\\.0\\.1:(\\d+) ");
    private static final Pattern TICK = Pattern.compile("\\{\"tick\":(\\d+),\"time\":\"[^\"]+\",\"gen\":(\\d+)}");

    record Event(String id, String type, String data) {}

    record Tick(long id, long tick, int gen) {}

    @Test
    void aConnectedClientFollowsTheUpgradeToTheNextGenerationWithoutAGap() throws Exception {
        Path dir = Files.createTempDirectory("stream-it-");
        Path log = dir.resolve("stream.log");
        Path pidFile = dir.resolve("stream.pid");
        Files.copy(JAR, dir.resolve("stream.jar"));
        Process first = new ProcessBuilder(JAVA, "-Dbaton.host=127.0.0.1", "-Dbaton.port=0", "-Dbaton.pidFile=" + pidFile,
                "-jar", "stream.jar").directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Set<Long> pids = new LinkedHashSet<>(List.of(first.pid()));
        EventSource source = null;
        try {
            await(() -> readPid(pidFile) == first.pid(), "gen 1 to write its pid file", log);
            Matcher listening = LISTENING.matcher(Files.readString(log));
            assertTrue(listening.find(), Files.readString(log));
            int port = Integer.parseInt(listening.group(1));

            String page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/")).build(), BodyHandlers.ofString()).body();
            assertTrue(page.contains("new EventSource('/clock')"), page);

            source = EventSource.connect(port, "/clock");
            List<Tick> ticks = new ArrayList<>();
            while (ticks.size() < 3) {
                source.nextTick().ifPresent(ticks::add);
            }
            assertTrue(ticks.stream().allMatch(tick -> tick.gen() == 1), ticks.toString());

            new ProcessBuilder("kill", "-USR2", Long.toString(first.pid())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
            await(() -> readPid(pidFile) > 0 && readPid(pidFile) != first.pid(), "gen 2 to write its pid file", log);
            pids.add(readPid(pidFile));

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ticks.stream().filter(tick -> tick.gen() == 2).count() < 3) {
                assertTrue(System.nanoTime() < deadline, "3 ticks from gen 2 within 30 s: " + ticks + "\n" + Files.readString(log));
                source.nextTick().ifPresent(ticks::add);
            }
            for (int i = 1; i < ticks.size(); i++) {
                assertEquals(ticks.get(i - 1).id() + 1, ticks.get(i).id(), "no gap, no repeat: " + ticks);
                assertTrue(ticks.get(i - 1).gen() <= ticks.get(i).gen(), "gen 2 took over for good: " + ticks);
            }
            assertTrue(ticks.stream().allMatch(tick -> tick.id() == tick.tick()), ticks.toString());
            assertEquals(List.of("reconnect"), source.otherEvents(), "gen 1 told the client to reconnect");
            assertEquals(2, source.connections(), "one reconnect, to gen 2");

            assertTrue(first.waitFor(30, TimeUnit.SECONDS), "gen 1 exits after its drain\n" + Files.readString(log));
            assertEquals(0, first.exitValue());
            String gen1 = "gen=1 pid=" + first.pid() + " ";
            assertTrue(Files.readString(log).contains(gen1 + "drained in "), "onDrain closed the stream before the deadline:\n"
                    + Files.readString(log));
        } finally {
            if (source != null) {
                source.close();
            }
            stop(pids);
            first.destroyForcibly();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** SIGTERM (each drains and exits), then SIGKILL for whatever is still there after 15 s. */
    private static void stop(Set<Long> pids) throws InterruptedException {
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (long pid : pids) {
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static long readPid(Path pidFile) {
        try {
            return Long.parseLong(Files.readString(pidFile).trim());
        } catch (IOException | NumberFormatException e) {
            return -1; // not written yet, or being replaced
        }
    }

    private static void await(BooleanSupplier condition, String what, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what + "\n" + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    /**
     * A client that follows the EventSource rules: it sends the last event id it saw when it reconnects, waits the
     * retry delay the server last set, and reconnects whenever a stream ends. Raw sockets: an event stream is
     * delimited by the end of its connection, so the body is the bare stream.
     */
    static final class EventSource implements AutoCloseable {
        private final int port;
        private final String path;
        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private final List<String> otherEvents = new ArrayList<>();
        private final Thread reader;
        private volatile boolean closed;
        private volatile Socket socket;
        private volatile int connections;
        private String lastEventId;
        private long retryMillis = 3000;

        private EventSource(int port, String path) {
            this.port = port;
            this.path = path;
            this.reader = new Thread(this::run, "event-source");
            reader.setDaemon(true);
        }

        static EventSource connect(int port, String path) {
            EventSource source = new EventSource(port, path);
            source.reader.start();
            return source;
        }

        /** The next tick, or empty when the next event was of another type (recorded in {@link #otherEvents}). */
        Optional<Tick> nextTick() throws InterruptedException {
            Event event = events.poll(15, TimeUnit.SECONDS);
            assertTrue(event != null, "an event within 15 s");
            if (event.type().startsWith("failed")) {
                fail("the server refused the stream: " + event.type());
            }
            if (!"message".equals(event.type())) {
                synchronized (otherEvents) {
                    otherEvents.add(event.type());
                }
                return Optional.empty();
            }
            Matcher tick = TICK.matcher(event.data());
            assertTrue(tick.matches(), event.data());
            return Optional.of(new Tick(Long.parseLong(event.id()), Long.parseLong(tick.group(1)),
                    Integer.parseInt(tick.group(2))));
        }

        List<String> otherEvents() {
            synchronized (otherEvents) {
                return List.copyOf(otherEvents);
            }
        }

        int connections() {
            return connections;
        }

        private void run() {
            while (!closed) {
                try (Socket connection = new Socket("127.0.0.1", port)) {
                    socket = connection;
                    connection.setSoTimeout(30_000);
                    String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                            + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n") + "\r\n";
                    connection.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                    InputStream in = connection.getInputStream();
                    String head = readHead(in);
                    if (!head.startsWith("HTTP/1.1 200 ") || !head.contains("text/event-stream")) {
                        events.add(new Event(null, "failed: " + head.lines().findFirst().orElse(""), null));
                        return; // EventSource fails for good on such an answer
                    }
                    connections++;
                    read(in);
                } catch (IOException e) {
                    // the stream ended, or the connection could not be made: reconnect, as EventSource does
                }
                try {
                    Thread.sleep(retryMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void read(InputStream in) throws IOException {
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String id = lastEventId, type = null;
            StringBuilder data = null;
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.isEmpty()) {
                    lastEventId = id;
                    if (data != null) {
                        events.add(new Event(id, type == null ? "message" : type, data.toString()));
                    }
                    type = null;
                    data = null;
                } else if (!line.startsWith(":")) {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> type = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        case "retry" -> retryMillis = Long.parseLong(value);
                        default -> { } // ignored, as EventSource does
                    }
                }
            }
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the connection ended within the response head");
                }
                head.write(b);
            }
            return head.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws Exception {
            closed = true;
            Socket current = socket;
            if (current != null) {
                current.close();
            }
            reader.interrupt();
            reader.join(5000);
        }
    }
}
