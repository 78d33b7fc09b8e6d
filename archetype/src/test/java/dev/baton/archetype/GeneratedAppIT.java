package dev.baton.archetype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.tools.KeepAliveClient;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The archetype as a user meets it: generated with the README's command, built with the generated Maven Wrapper,
 * started from the layout deploy/deploy.sh makes, a route changed, and the new build deployed with deploy.sh while
 * keep-alive clients that never retry watch. Everything runs on 127.0.0.1 and is stopped at the end.
 */
class GeneratedAppIT {

    private static final Path WORK = Path.of(System.getProperty("work.dir", "target/e2e")).toAbsolutePath();
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // Baton and the archetype come from it.repo (see pom.xml); the rest from the build's own local repository.
    private static final List<String> REPOS = List.of("-Dmaven.repo.local=" + System.getProperty("it.repo"),
            "-Dmaven.repo.local.tail=" + System.getProperty("tail.repo"));

    @BeforeAll
    static void cleanWorkDir() throws IOException {
        delete(WORK);
        Files.createDirectories(WORK);
    }

    @Test
    void generatedAppDeploysAndUpgradesWithoutLosingARequest() throws Exception {
        // package is left to its default: the groupId
        Result generated = generate(WORK, "-DgroupId=com.example.shop", "-DartifactId=shop");
        assertEquals(0, generated.exit, generated.output);
        Path project = WORK.resolve("shop");
        Path routes = project.resolve("src/main/java/com/example/shop/GreetingRoutes.java");
        assertTrue(Files.isRegularFile(routes), "the package defaults to the groupId");
        shellcheck(project.resolve("deploy/deploy.sh"));
        shellcheck(project.resolve("deploy/baton"));
        kubernetesManifests(project.resolve("deploy/k8s"), "shop");

        Result v1 = mavenWrapper(project, "package", "-DskipTests");
        assertEquals(0, v1.exit, v1.output);

        Path appDir = WORK.resolve("opt/shop");
        Path pidFile = appDir.resolve("shop.pid");
        Path log = appDir.resolve("app.log");
        int port = freePort();
        Map<String, String> deployEnv = Map.of("APP_DIR", appDir.toString(), "PID_FILE", pidFile.toString(),
                "PORT", Integer.toString(port), "WAIT_SECONDS", "60", "JAVA", JAVA, "CREATE_APP_DIR", "yes");
        String deploy = project.resolve("deploy/deploy.sh").toString();
        deployingWithoutSystemd(project, deploy);
        // the baton command as an operator runs it, with the settings of the unit (here: of this test's start)
        Map<String, String> batonEnv = Map.of("APP_DIR", appDir.toString(), "BATON_PID_FILE", pidFile.toString(),
                "BATON_PORT", Integer.toString(port), "JAVA", JAVA);
        String baton = project.resolve("deploy/baton").toString();

        // Not running yet: deploy.sh only lays out releases/ and current.jar
        Result layout = run(project, 30, deployEnv, deploy, "target/shop.jar");
        assertEquals(0, layout.exit, layout.output);
        assertTrue(layout.output.contains("shop is not running"), layout.output);
        Path current = appDir.resolve("current.jar");
        Path release1 = appDir.resolve(Files.readSymbolicLink(current));

        Set<Long> pids = new LinkedHashSet<>();
        try {
            // As the systemd unit starts it: java -jar <dir>/current.jar, with a pid file
            Process first = new ProcessBuilder(JAVA, "-Dbaton.host=127.0.0.1", "-Dbaton.port=" + port,
                    "-Dbaton.pidFile=" + pidFile, "-Dbaton.probation=3s", "-jar", current.toString())
                    .directory(appDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            pids.add(first.pid());
            await(() -> pidIn(pidFile) == first.pid(), 30, "gen 1 to write its pid file", log);
            assertTrue(get(port, "/").endsWith("\r\n\r\nhello from shop, gen 1\n"), get(port, "/"));

            // v2: the GET route says something else
            String source = Files.readString(routes);
            String changed = source.replace("\"hello from ", "\"hello again from ");
            assertNotEquals(source, changed);
            Files.writeString(routes, changed);
            Result v2 = mavenWrapper(project, "-o", "package", "-DskipTests");
            assertEquals(0, v2.exit, v2.output);

            KeepAliveClient load = new KeepAliveClient("127.0.0.1", port, 4, 120);
            long second;
            try (load) {
                await(() -> load.ok() > 100, 30, "load to warm up", log);
                Result upgrade = run(project, 90, deployEnv, deploy, "target/shop.jar");
                assertEquals(0, upgrade.exit, upgrade.output + "\n--- app log:\n" + tail(log));
                second = pidIn(pidFile);
                pids.add(second);
                assertNotEquals(first.pid(), second);
                assertTrue(upgrade.output.contains("deploy: pid " + first.pid() + " starts releases/shop-"), upgrade.output);
                assertTrue(upgrade.output.contains("baton: gen 2 pid " + second + " serves (hand-off "), upgrade.output);
                assertTrue(upgrade.output.contains("baton: gen 1 pid " + first.pid() + " has left: gen 2 pid " + second
                        + " passed probation"), upgrade.output);
                assertTrue(upgrade.output.matches("(?s).*deploy: releases/shop-[0-9TZ-]+\\.jar serves\n.*"), upgrade.output);
                String archive = Runtime.version().feature() >= 25 ? "AOT cache " + appDir.resolve("current.jar.aot")
                        : "AppCDS archive " + appDir.resolve("current.jar.jsa");
                assertTrue(upgrade.output.contains("deploy: class archive: " + archive), upgrade.output);
                assertTrue(Files.readString(log).contains(archive + " in use for the new generation"), tail(log));
                long served = load.ok();
                await(() -> load.ok() > served + 100, 30, "load served by gen 2", log);
            }
            assertEquals(0, load.failed(), load.summary());
            assertEquals(0, load.non2xx(), load.summary());
            assertTrue(load.answers().containsKey("hello from shop, gen 1"), load.answers().keySet().toString());
            assertTrue(load.answers().containsKey("hello again from shop, gen 2"), load.answers().keySet().toString());
            assertTrue(get(port, "/").endsWith("\r\n\r\nhello again from shop, gen 2\n"), get(port, "/"));
            assertTrue(first.waitFor(30, TimeUnit.SECONDS), "gen 1 exits once drained");
            assertEquals(0, first.exitValue());
            Path release2 = appDir.resolve(Files.readSymbolicLink(current));
            assertNotEquals(release1, release2);

            // A broken jar: Baton refuses it, gen 2 keeps serving, and current.jar names what runs again
            Path broken = WORK.resolve("broken.jar");
            Files.writeString(broken, "not a jar");
            Result refused = run(project, 90, deployEnv, deploy, broken.toString());
            assertEquals(1, refused.exit, refused.output);
            assertTrue(refused.output.contains("baton: upgrade failed: refused " + current + ": not a jar"), refused.output);
            assertTrue(refused.output.contains("; gen 2 pid " + second + " keeps serving"), refused.output);
            assertEquals(release2, appDir.resolve(Files.readSymbolicLink(current)), refused.output);
            assertEquals(second, pidIn(pidFile));
            assertTrue(get(port, "/").endsWith("hello again from shop, gen 2\n"));

            Result status = run(project, 30, batonEnv, baton, "status");
            assertEquals(0, status.exit, status.output);
            assertTrue(status.output.startsWith("gen 2 pid " + second + " serving since "), status.output);
            assertTrue(status.output.contains("last upgrade: gen 2 -> 3 failed at "), status.output);
            Result stop = run(project, 60, batonEnv, baton, "stop");
            assertEquals(0, stop.exit, stop.output);
            assertFalse(running(second), "baton stop waited until gen 2 had exited");

            rollingDeployStopsAtTheFirstHostThatFails(project, broken, pids);
        } finally {
            stopAll(pids);
        }
    }

    /**
     * deploy.sh off systemd: it makes no APP_DIR unless asked; APP_DIR=. lays out the current directory, pid file
     * included, and says how to start the app; the app started so serves and writes its pid file. The app refuses to
     * start, naming the directory, with a pid file it cannot write.
     */
    private static void deployingWithoutSystemd(Path project, String deploy) throws Exception {
        Path jar = project.resolve("target/shop.jar");
        Path nowhere = WORK.resolve("nowhere/shop");
        Result refused = run(project, 30, Map.of("APP_DIR", nowhere.toString(), "ARCHIVE", "no"), deploy, jar.toString());
        assertEquals(1, refused.exit, refused.output);
        assertTrue(refused.output.contains("deploy: " + nowhere + " does not exist: run with CREATE_APP_DIR=yes"), refused.output);
        assertFalse(Files.exists(nowhere.getParent()), "nothing made");

        Path local = Files.createDirectories(WORK.resolve("local"));
        int port = freePort();
        Result layout = run(local, 30, Map.of("APP_DIR", ".", "PORT", Integer.toString(port), "ARCHIVE", "no"), deploy,
                jar.toString());
        assertEquals(0, layout.exit, layout.output);
        Path pidFile = local.resolve("shop.pid");
        String start = "java -Dbaton.pidFile=" + pidFile + " -jar " + local.resolve("current.jar");
        assertTrue(layout.output.contains("shop is not running; current.jar -> releases/shop-") && layout.output.contains(
                ": start it (" + start + ")"), layout.output);
        Path log = local.resolve("app.log");
        Process app = new ProcessBuilder(JAVA, "-Dbaton.host=127.0.0.1", "-Dbaton.port=" + port, "-Dbaton.pidFile=" + pidFile,
                "-jar", local.resolve("current.jar").toString()).directory(local.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            await(() -> pidIn(pidFile) == app.pid(), 30, "the local app to write its pid file", log);
            assertTrue(get(port, "/").endsWith("hello from shop, gen 1\n"), get(port, "/"));
        } finally {
            app.destroy();
            assertTrue(app.waitFor(30, TimeUnit.SECONDS));
        }

        Path missing = WORK.resolve("no-run-dir/shop.pid");
        Result noPidDir = run(local, 60, Map.of(), JAVA, "-Dbaton.host=127.0.0.1", "-Dbaton.port=0",
                "-Dbaton.pidFile=" + missing, "-jar", local.resolve("current.jar").toString());
        assertNotEquals(0, noPidDir.exit, noPidDir.output);
        assertTrue(noPidDir.output.contains("baton.pidFile: cannot write " + missing + ": the directory " + missing.getParent()
                + " does not exist"), noPidDir.output);
        assertFalse(noPidDir.output.contains("ready in"), noPidDir.output);
    }

    @Test
    void aBadPackageFailsGenerationWithAClearMessage() throws Exception {
        Path dir = Files.createDirectories(WORK.resolve("bad"));
        List<String> packages = List.of("1bad.package", "com.Foo-bar");
        for (int i = 0; i < packages.size(); i++) {
            Result result = generate(dir, "-DgroupId=com.example", "-DartifactId=bad" + i, "-Dpackage=" + packages.get(i));
            assertNotEquals(0, result.exit, result.output);
            assertTrue(result.output.contains("package '" + packages.get(i) + "' is not a valid Java package name"),
                    result.output);
            assertFalse(Files.exists(dir.resolve("bad" + i)), "nothing is left of a failed generation");
        }
    }

    // ---- helpers

    record Result(int exit, String output) {}

    /** The README's command, with the archetype's coordinates. */
    private static Result generate(Path dir, String... properties) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("maven.home"), "bin", "mvn").toString(),
                "-B", "-ntp",
                "org.apache.maven.plugins:maven-archetype-plugin:" + System.getProperty("archetype-plugin.version") + ":generate",
                "-DarchetypeGroupId=" + System.getProperty("archetype.groupId"),
                "-DarchetypeArtifactId=" + System.getProperty("archetype.artifactId"),
                "-DarchetypeVersion=" + System.getProperty("archetype.version"),
                "-DinteractiveMode=false"));
        command.addAll(List.of(properties));
        command.addAll(REPOS);
        return run(dir, 120, Map.of(), command.toArray(String[]::new));
    }

    /** The generated project's own ./mvnw: also checks that it came out executable. */
    private static Result mavenWrapper(Path project, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("./mvnw", "-B", "-ntp", "-q"));
        command.addAll(List.of(arguments));
        command.addAll(REPOS);
        return run(project, 180, Map.of(), command.toArray(String[]::new));
    }

    private static void shellcheck(Path script) throws Exception {
        boolean installed = Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "shellcheck")));
        if (!installed) {
            System.out.println("shellcheck is not installed: " + script + " not checked");
            return;
        }
        Result result = run(script.getParent(), 60, Map.of(), "shellcheck", script.toString());
        assertEquals(0, result.exit, result.output);
    }

    /**
     * The generated Deployment and Service: valid against Kubernetes' schemas (kubernetes-models, an npm package,
     * through src/test/k8s/validate.mjs; skipped where npm is not installed), and what the Deploying page promises
     * of them, read from the YAML: a rolling update that keeps every replica until its successor is ready, the
     * probes on Baton's health endpoints, a preStop sleep, and a grace period longer than that sleep and the drain.
     */
    @SuppressWarnings("unchecked")
    private static void kubernetesManifests(Path k8s, String name) throws Exception {
        Path deploymentFile = k8s.resolve("deployment.yaml");
        Path serviceFile = k8s.resolve("service.yaml");
        if (onPath("npm")) {
            Path validator = Files.createDirectories(WORK.resolve("k8s-validate"));
            Path sources = Path.of(System.getProperty("k8s.validator"));
            for (String file : List.of("package.json", "package-lock.json", "validate.mjs")) {
                Files.copy(sources.resolve(file), validator.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Result installed = run(validator, 300, Map.of(), "npm", "ci", "--no-audit", "--no-fund", "--prefer-offline");
            assertEquals(0, installed.exit, installed.output);
            Result validated = run(validator, 60, Map.of(), "node", "validate.mjs", deploymentFile.toString(), serviceFile.toString());
            assertEquals(0, validated.exit, validated.output);
            assertTrue(validated.output.contains("valid: " + deploymentFile + ": apps/v1 Deployment " + name)
                    && validated.output.contains("valid: " + serviceFile + ": v1 Service " + name), validated.output);
        } else {
            System.out.println("npm is not installed: " + k8s + " not checked against Kubernetes' schemas");
        }

        Map<String, Object> deployment = new org.yaml.snakeyaml.Yaml().load(Files.readString(deploymentFile));
        assertEquals("apps/v1", deployment.get("apiVersion"));
        assertEquals("Deployment", deployment.get("kind"));
        assertEquals(name, at(deployment, "metadata", "name"));
        assertEquals("RollingUpdate", at(deployment, "spec", "strategy", "type"));
        assertEquals(0, at(deployment, "spec", "strategy", "rollingUpdate", "maxUnavailable"));
        Map<String, Object> labels = (Map<String, Object>) at(deployment, "spec", "template", "metadata", "labels");
        assertEquals(at(deployment, "spec", "selector", "matchLabels"), labels);
        List<Map<String, Object>> containers = (List<Map<String, Object>>) at(deployment, "spec", "template", "spec", "containers");
        assertEquals(1, containers.size());
        Map<String, Object> app = containers.get(0);
        assertEquals(List.of("java", "-Xmx512m", "-jar", "/app/" + name + ".jar"), app.get("command"));
        assertEquals("/baton/health/ready", at(app, "readinessProbe", "httpGet", "path"));
        assertEquals("/baton/health/live", at(app, "livenessProbe", "httpGet", "path"));
        Map<String, Object> port = ((List<Map<String, Object>>) app.get("ports")).get(0);
        assertEquals(Map.of("name", "http", "containerPort", 8080), port);
        assertEquals("http", at(app, "readinessProbe", "httpGet", "port"));
        assertEquals("http", at(app, "livenessProbe", "httpGet", "port"));
        Map<String, String> env = new java.util.HashMap<>();
        ((List<Map<String, Object>>) app.get("env")).forEach(variable -> env.put((String) variable.get("name"), (String) variable.get("value")));
        assertEquals("8080", env.get("BATON_PORT"));
        int preStop = (Integer) at(app, "lifecycle", "preStop", "sleep", "seconds");
        Matcher drain = Pattern.compile("(\\d+)s").matcher(env.get("BATON_DRAIN_TIMEOUT"));
        assertTrue(drain.matches(), env.toString());
        int grace = (Integer) at(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds");
        assertTrue(preStop >= 5, "preStop sleep " + preStop + " s leaves time for the endpoints' removal");
        assertTrue(grace > preStop + Integer.parseInt(drain.group(1)), "terminationGracePeriodSeconds " + grace
                + " > preStop " + preStop + " + drain " + drain.group(1));
        assertTrue(at(app, "resources", "requests", "memory") != null && at(app, "resources", "limits", "memory") != null,
                String.valueOf(app.get("resources")));

        Map<String, Object> service = new org.yaml.snakeyaml.Yaml().load(Files.readString(serviceFile));
        assertEquals("Service", service.get("kind"));
        assertEquals(name, at(service, "metadata", "name"));
        assertEquals(labels, at(service, "spec", "selector"));
        Map<String, Object> servicePort = ((List<Map<String, Object>>) at(service, "spec", "ports")).get(0);
        assertEquals("http", servicePort.get("targetPort"));
    }

    /** The value at a path of keys in parsed YAML (null when any is missing). */
    @SuppressWarnings("unchecked")
    private static Object at(Map<String, Object> yaml, String... keys) {
        Object value = yaml;
        for (String key : keys) {
            value = value instanceof Map ? ((Map<String, Object>) value).get(key) : null;
        }
        return value;
    }

    /**
     * deploy/rolling.sh over two hosts, each a directory of this machine with a real app running from the layout
     * deploy.sh makes; a fake ssh runs the command in the host's home with the host's settings, a fake scp copies
     * into it. A good release reaches both, one after the other; a broken one stops at the first host, which keeps
     * serving, and the second is never touched.
     */
    private static void rollingDeployStopsAtTheFirstHostThatFails(Path project, Path broken, Set<Long> pids) throws Exception {
        shellcheck(project.resolve("deploy/rolling.sh"));
        Path fleet = WORK.resolve("fleet");
        Path bin = Files.createDirectories(fleet.resolve("bin"));
        Files.writeString(bin.resolve("ssh"), "#!/bin/sh\n# ssh HOST COMMAND, as sshd runs it: in HOST's home, with HOST's settings\n"
                + "host=$1; shift\ncd \"" + fleet + "/$host/home\" && . \"" + fleet + "/$host/env\" && exec sh -c \"$*\"\n");
        Files.writeString(bin.resolve("scp"), "#!/bin/sh\n# scp FILE HOST:PATH, PATH relative to HOST's home\n"
                + "dest=$2; host=${dest%%:*}\nexec cp \"$1\" \"" + fleet + "/$host/home/${dest#*:}\"\n");
        bin.resolve("ssh").toFile().setExecutable(true);
        bin.resolve("scp").toFile().setExecutable(true);
        Map<String, Integer> ports = new java.util.LinkedHashMap<>();
        Map<String, Path> pidFiles = new java.util.LinkedHashMap<>();
        for (String host : List.of("a", "b")) {
            Path home = Files.createDirectories(fleet.resolve(host).resolve("home"));
            Path appDir = fleet.resolve(host).resolve("opt");
            int port = freePort();
            ports.put(host, port);
            pidFiles.put(host, appDir.resolve("shop.pid"));
            Map<String, String> settings = Map.of("APP_DIR", appDir.toString(), "PID_FILE", appDir.resolve("shop.pid").toString(),
                    "PORT", Integer.toString(port), "JAVA", JAVA, "WAIT_SECONDS", "60", "ARCHIVE", "no", "CREATE_APP_DIR", "yes");
            StringBuilder env = new StringBuilder();
            settings.forEach((key, value) -> env.append("export ").append(key).append("='").append(value).append("'\n"));
            Files.writeString(fleet.resolve(host).resolve("env"), env);
            assertEquals(0, run(home, 30, settings, project.resolve("deploy/deploy.sh").toString(),
                    project.resolve("target/shop.jar").toString()).exit);
            Process app = new ProcessBuilder(JAVA, "-Dbaton.host=127.0.0.1", "-Dbaton.port=" + port,
                    "-Dbaton.pidFile=" + appDir.resolve("shop.pid"), "-Dbaton.probation=1s", "-jar",
                    appDir.resolve("current.jar").toString())
                    .directory(appDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(appDir.resolve("app.log").toFile())).start();
            pids.add(app.pid());
            await(() -> pidIn(appDir.resolve("shop.pid")) == app.pid(), 30, "host " + host + " to serve", appDir.resolve("app.log"));
        }
        Path routes = project.resolve("src/main/java/com/example/shop/GreetingRoutes.java");
        Files.writeString(routes, Files.readString(routes).replace("\"hello again from ", "\"hello at last from "));
        Result v3 = mavenWrapper(project, "-o", "package", "-DskipTests");
        assertEquals(0, v3.exit, v3.output);
        Map<String, String> operator = Map.of("PATH", bin + File.pathSeparator + System.getenv("PATH"), "REMOTE_SUDO", "");
        String rolling = project.resolve("deploy/rolling.sh").toString();

        Result rolled = run(project, 240, operator, rolling, "a", "b", "--", "target/shop.jar");
        assertEquals(0, rolled.exit, rolled.output);
        assertTrue(rolled.output.indexOf("rolling: a: deploy: ") < rolled.output.indexOf("rolling: b (2 of 2)"),
                "one host after the other:\n" + rolled.output);
        assertTrue(rolled.output.contains("rolling: all 2 hosts serve shop.jar"), rolled.output);
        for (String host : ports.keySet()) {
            pids.add(pidIn(pidFiles.get(host)));
            assertTrue(get(ports.get(host), "/").endsWith("hello at last from shop, gen 2\n"), host + ": " + get(ports.get(host), "/"));
        }

        long bServing = pidIn(pidFiles.get("b"));
        Result stopped = run(project, 240, operator, rolling, "a", "b", "--", broken.toString());
        assertEquals(1, stopped.exit, stopped.output);
        assertTrue(stopped.output.contains("rolling: stopped at a (baton: upgrade failed: refused "), stopped.output);
        assertFalse(stopped.output.contains("rolling: b"), "b was never touched:\n" + stopped.output);
        assertEquals(bServing, pidIn(pidFiles.get("b")));
        for (String host : ports.keySet()) {
            assertTrue(get(ports.get(host), "/").endsWith("hello at last from shop, gen 2\n"), host + " serves on");
        }
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv("PATH").split(File.pathSeparator)).anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    /** Runs a command to its end (at most {@code seconds}), its output (stdout and stderr) in a file meanwhile. */
    private static Result run(Path dir, int seconds, Map<String, String> env, String... command) throws Exception {
        Path output = Files.createTempFile(WORK, "out", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            fail("timed out after " + seconds + " s: " + String.join(" ", command) + "\n" + Files.readString(output));
        }
        return new Result(process.exitValue(), Files.readString(output));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    private static long pidIn(Path pidFile) {
        try {
            return Long.parseLong(Files.readString(pidFile).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** One GET on a fresh connection that asks to be closed: the whole response. */
    private static String get(int port, String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void await(BooleanSupplier condition, int seconds, String what, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + seconds + " s waiting for " + what + "\n--- app log:\n" + tail(log));
            }
            Thread.sleep(20);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** SIGTERM to every generation seen (they drain and exit), SIGKILL to any still there after 15 s. */
    private static void stopAll(Set<Long> pids) throws InterruptedException {
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (long pid : pids) {
            while (running(pid) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Alive and not a zombie (a later generation is no child of ours: whoever reaps it, it is done). */
    private static boolean running(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .noneMatch(line -> line.startsWith("State:") && line.contains("zombie"));
        } catch (IOException gone) {
            return false;
        }
    }

    private static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
