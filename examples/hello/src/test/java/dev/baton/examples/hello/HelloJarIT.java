package dev.baton.examples.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hello jar, run the way the README runs it. */
class HelloJarIT {

    private static final String JAR = System.getProperty("example.jar", "target/hello.jar");
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @Test
    // tag::jar-test[]
    void servesHelloAndStopsCleanlyOnSigterm() throws Exception {
        Path log = Files.createTempFile("hello", ".log");
        Process hello = new ProcessBuilder(JAVA, "-Dbaton.host=127.0.0.1", "-Dbaton.port=0", "-jar", JAR)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Matcher listening = Pattern.compile("gen=1 pid=\\d+ listening on 127\\.0\\.0\\.1:(\\d+) \\(bound\\) in \\d+ ms").matcher("");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!listening.reset(Files.readString(log)).find()) {
                assertTrue(hello.isAlive() && System.nanoTime() < deadline, "no listening line: " + Files.readString(log));
                Thread.sleep(20);
            }
            URI uri = URI.create("http://127.0.0.1:" + listening.group(1) + "/");
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString()).body();
            assertTrue(body.matches("hello from [^,]+, gen 1\n"), body);
            hello.destroy(); // SIGTERM
            assertTrue(hello.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, hello.exitValue(), Files.readString(log));
            assertTrue(Files.readString(log).contains("exit 0"), Files.readString(log));
    // end::jar-test[]
        } finally {
            hello.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    @Test
    void aBadSettingStopsStartUpWithOneLine() throws Exception {
        Process hello = new ProcessBuilder(JAVA, "-Dbaton.port=eighty", "-jar", JAR).redirectErrorStream(true).start();
        assertTrue(hello.waitFor(20, TimeUnit.SECONDS));
        List<String> output = new String(hello.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, hello.exitValue());
        assertEquals(1, output.size(), String.join("\n", output));
        assertTrue(output.get(0).contains("baton.port: 'eighty' is not valid; expected an integer from 0 to 65535"), output.get(0));
    }

    @Test
    void anUnknownSettingIsReported() throws Exception {
        Process hello = new ProcessBuilder(JAVA, "-Dbaton.prot=8080", "-jar", JAR).redirectErrorStream(true).start();
        assertTrue(hello.waitFor(20, TimeUnit.SECONDS));
        String output = new String(hello.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, hello.exitValue());
        assertTrue(output.contains("unknown setting baton.prot (did you mean baton.port?)"), output);
    }
}
