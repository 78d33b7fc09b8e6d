package dev.baton.ops;

import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigException;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code baton} command, in every app's jar: {@code java -cp app.jar dev.baton.ops.Cli status|upgrade|stop}
 * (the archetype's {@code deploy/baton} runs it with the service's settings). It finds the service the way the app
 * does (see {@link Service}). Exit status: 0 done, 1 failed (the line says why), 2 a usage error.
 */
public final class Cli {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private static final String USAGE_TEXT = """
            usage: baton status [--json] [--pid-file FILE] [--url URL]
                   baton upgrade [--timeout DURATION] [--no-wait-probation] [--pid-file FILE] [--url URL]
                   baton stop [--timeout DURATION] [--pid-file FILE]
              status   the serving generation: its state, listener, traffic and last upgrade (--json: as /status has it)
              upgrade  SIGUSR2 to the pid in the pid file; exit 0 once a new generation serves and the old one has
                       left after its probation (--no-wait-probation: once the new one serves), 1 with Baton's reason
              stop     SIGTERM to the pid in the pid file; exit 0 once it has drained and exited
              --pid-file FILE     instead of baton.pidFile (-Dbaton.pidFile, BATON_PID_FILE)
              --url URL           where the ops endpoints answer, e.g. http://127.0.0.1:8080/baton; instead of
                                  baton.host, baton.port and baton.opsPath
              --timeout DURATION  how long to wait, like 500ms, 30s or 2m; upgrade: readyTimeout + drainTimeout +
                                  probation + 30s; stop: drainTimeout + 15s
            """;

    private Cli() {
    }

    public static void main(String[] args) {
        System.setProperty("http.keepAlive", "false"); // each status read on a new connection, to whoever accepts it
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("baton: " + e.getMessage());
            err.print(USAGE_TEXT);
            return USAGE;
        }
        if (options.help) {
            out.print(USAGE_TEXT);
            return OK;
        }
        BatonConfig config;
        Service service;
        try {
            config = BatonConfig.load();
            service = Service.locate(config, options.pidFile, options.url);
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("baton: " + e.getMessage());
            return USAGE;
        }
        if (service.pidFile() == null && !(options.command.equals("status") && service.hasStatus())) {
            err.println("baton: no pid file: set baton.pidFile (-Dbaton.pidFile, BATON_PID_FILE) as the app has it,"
                    + " or give --pid-file");
            return USAGE;
        }
        try {
            return switch (options.command) {
                case "status" -> status(service, options.json, out, err);
                case "upgrade" -> new UpgradeCommand(service, options.timeout != null ? options.timeout
                        : config.readyTimeout().plus(config.drainTimeout()).plus(config.probation()).plusSeconds(30),
                        !options.noWaitProbation, out, err).run();
                default -> stop(service, options.timeout != null ? options.timeout
                        : config.drainTimeout().plusSeconds(15), out, err);
            };
        } catch (IOException e) {
            err.println("baton: " + e.getMessage());
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("baton: interrupted");
            return FAILED;
        }
    }

    /** Prints the serving generation's status; 1 when nothing runs or nothing answers. */
    static int status(Service service, boolean json, PrintStream out, PrintStream err) throws IOException {
        long pid = service.pidFile() == null ? -1 : service.livePid();
        if (service.pidFile() != null && pid < 0) {
            err.println("baton: not running: " + service.pidFile() + " names no running process");
            return FAILED;
        }
        if (!service.hasStatus()) {
            out.println("pid " + pid + " serves (" + service.pidFile() + "); no status: " + service.noStatus());
            return OK;
        }
        ServiceStatus status;
        try {
            status = service.status();
        } catch (IOException e) {
            err.println("baton: " + (pid > 0 ? "pid " + pid + " runs, but " : "") + "no status from "
                    + service.statusUrl() + ": " + e.getMessage());
            return FAILED;
        }
        out.print(json ? status.json() + "\n" : status.describe());
        if (pid > 0 && status.pid() != pid) {
            err.println("baton: " + service.pidFile() + " names pid " + pid + " but " + service.statusUrl()
                    + " answers for " + status.who() + ": check --url, or baton.port");
            return FAILED;
        }
        return OK;
    }

    /** SIGTERM to the serving generation, then waits until it has exited. */
    static int stop(Service service, Duration timeout, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        long pid = service.livePid();
        if (pid < 0) {
            out.println("baton: not running: " + service.pidFile() + " names no running process");
            return OK;
        }
        try {
            dev.baton.runtime.Native.kill(pid, dev.baton.runtime.Native.SIGTERM);
        } catch (IOException e) {
            err.println("baton: cannot signal pid " + pid + ": " + e.getMessage() + " (run this as the app's user or root)");
            return FAILED;
        }
        out.println("baton: pid " + pid + ": SIGTERM sent; it drains what it has in flight, then exits");
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (Service.alive(pid)) {
            if (System.nanoTime() - deadline > 0) {
                err.println("baton: timed out after " + timeout.toMillis() + " ms waiting for pid " + pid
                        + " to exit: see the app's log");
                return FAILED;
            }
            Thread.sleep(50);
        }
        out.println("baton: pid " + pid + " has exited after " + (System.nanoTime() - start) / 1_000_000 + " ms");
        return OK;
    }

    /** The command line, read: one command and its options. */
    private static final class Options {
        String command;
        String pidFile;
        String url;
        Duration timeout;
        boolean json;
        boolean noWaitProbation;
        boolean help;

        static Options parse(String[] args) {
            Options options = new Options();
            List<String> rest = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String value = null;
                int equals = arg.indexOf('=');
                if (arg.startsWith("--") && equals > 0) {
                    value = arg.substring(equals + 1);
                    arg = arg.substring(0, equals);
                }
                switch (arg) {
                    case "-h", "--help", "help" -> options.help = true;
                    case "--json" -> options.json = true;
                    case "--no-wait-probation" -> options.noWaitProbation = true;
                    case "--pid-file" -> options.pidFile = value != null ? value : next(args, ++i, arg);
                    case "--url" -> options.url = value != null ? value : next(args, ++i, arg);
                    case "--timeout" -> options.timeout = duration(value != null ? value : next(args, ++i, arg));
                    default -> {
                        if (arg.startsWith("-")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        rest.add(arg);
                    }
                }
            }
            if (options.help) {
                return options;
            }
            if (rest.size() != 1 || !List.of("status", "upgrade", "stop").contains(rest.get(0))) {
                throw new IllegalArgumentException(rest.isEmpty() ? "which command?" : "unknown command " + String.join(" ", rest));
            }
            options.command = rest.get(0);
            if (options.json && !options.command.equals("status")) {
                throw new IllegalArgumentException("--json goes with status");
            }
            if (options.noWaitProbation && !options.command.equals("upgrade")) {
                throw new IllegalArgumentException("--no-wait-probation goes with upgrade");
            }
            return options;
        }

        private static String next(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static Duration duration(String text) {
            try {
                Duration duration = BatonConfig.parseDuration(text);
                if (duration.isZero()) {
                    throw new IllegalArgumentException(text);
                }
                return duration;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--timeout " + text + ": expected a duration like 500ms, 30s or 2m");
            }
        }
    }
}
