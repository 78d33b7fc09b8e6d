package dev.baton.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * wrk, the load generator, as a second client that never retries: its socket errors (connect, read, write,
 * timeout) and its non-2xx answers are failures. Absent where wrk is not installed (.ci/run installs it).
 */
final class Wrk {

    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    private Wrk() {}

    /** What wrk counted: requests, socket errors, non-2xx answers; clean when there were requests and nothing else. */
    record Result(long requests, long socketErrors, long non2xx, String output) {
        boolean clean() {
            return output == null || requests > 0 && socketErrors == 0 && non2xx == 0;
        }

        @Override
        public String toString() {
            return output == null ? "(not installed)" : "requests=" + requests + " socketErrors=" + socketErrors + " non2xx=" + non2xx;
        }
    }

    /** A run of wrk, its output going to a file. */
    record Run(Process process, Path output) {}

    /** Starts wrk on {@code port} (1 thread, 4 connections) for at most {@code seconds}; null where it is not installed. */
    static Run start(int port, int seconds) throws IOException {
        if (!new File("/usr/bin/wrk").canExecute()) {
            System.out.println("wrk is not installed (apt-get install wrk): only the keep-alive clients judge");
            return null;
        }
        Path output = Files.createTempFile("baton-it-wrk-", ".txt");
        output.toFile().deleteOnExit();
        return new Run(new ProcessBuilder("/usr/bin/wrk", "-t1", "-c4", "-d" + seconds + "s", "http://127.0.0.1:" + port + "/")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start(), output);
    }

    /** Stops wrk (SIGINT: it prints its totals, as at the end of its run) and reads them. */
    static Result stop(Run wrk) throws Exception {
        if (wrk == null) {
            return new Result(0, 0, 0, null);
        }
        new ProcessBuilder("kill", "-INT", Long.toString(wrk.process().pid())).start().waitFor(5, TimeUnit.SECONDS);
        if (!wrk.process().waitFor(10, TimeUnit.SECONDS)) {
            wrk.process().destroyForcibly();
        }
        String output = Files.readString(wrk.output(), StandardCharsets.UTF_8);
        return new Result(find(REQUESTS, output, 1), sumErrors(output), find(NON_2XX, output, 1), output);
    }

    private static long sumErrors(String output) {
        Matcher errors = SOCKET_ERRORS.matcher(output);
        if (!errors.find()) {
            return 0;
        }
        long sum = 0;
        for (int group = 1; group <= 4; group++) {
            sum += Long.parseLong(errors.group(group));
        }
        return sum;
    }

    private static long find(Pattern pattern, String output, int group) {
        Matcher matcher = pattern.matcher(output);
        return matcher.find() ? Long.parseLong(matcher.group(group)) : 0;
    }
}
