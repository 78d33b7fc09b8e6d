package dev.baton.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BatonConfigTest {

    private static BatonConfig props(String key, String value) {
        return BatonConfig.from(Map.of(key, value), Map.of());
    }

    private static BatonConfig env(String key, String value) {
        return BatonConfig.from(Map.of(), Map.of(key, value));
    }

    private static void assertRejected(String key, String value, String expected, Executable action) {
        ConfigException e = assertThrows(ConfigException.class, action);
        assertEquals(key + ": '" + value + "' is not valid; expected " + expected, e.getMessage());
        assertEquals(key, e.key());
        assertOneLine(e.getMessage());
    }

    private static void assertOneLine(String text) {
        assertFalse(text.contains("\n") || text.contains("\r"), () -> "not one line: " + text);
    }

    @Test
    void defaults() {
        BatonConfig config = BatonConfig.defaults();
        int io = Math.max(2, Runtime.getRuntime().availableProcessors());
        assertEquals("0.0.0.0", config.host());
        assertEquals(8080, config.port());
        assertEquals(io, config.ioThreads());
        assertEquals(io * 8, config.workerThreads());
        assertEquals(BatonConfig.VirtualThreads.AUTO, config.virtualThreads());
        assertEquals(10L * 1024 * 1024, config.maxBodySize());
        assertEquals(Duration.ofSeconds(30), config.drainTimeout());
        assertEquals(Duration.ofSeconds(60), config.readyTimeout());
        assertEquals(Duration.ofSeconds(30), config.probation());
        assertEquals(java.util.List.of(), config.warmUp());
        assertEquals(Duration.ofSeconds(1), config.warmUpTime());
        assertFalse(config.train());
        assertEquals(Duration.ofSeconds(10), config.requestHeadTimeout());
        assertEquals(Duration.ofSeconds(30), config.readTimeout());
        assertEquals(Duration.ofSeconds(30), config.writeTimeout());
        assertEquals(Duration.ofSeconds(75), config.keepAliveTimeout());
        assertEquals(Optional.empty(), config.jar());
        assertEquals(Optional.empty(), config.pidFile());
        assertTrue(config.signals());
        assertEquals(64 * 1024, config.wsMaxMessageSize());
        assertEquals(Duration.ofSeconds(5), config.wsCloseSpread());
        assertEquals(config.describe(), BatonConfig.from(Map.of(), Map.of()).describe());
    }

    @Test
    void propertyBeatsEnvironmentBeatsDefaultAndValuesAreTrimmed() {
        BatonConfig config = BatonConfig.from(
                Map.of("baton.port", " 9001\t"),
                Map.of("BATON_PORT", "9002", "BATON_HOST", "  127.0.0.1 "));
        assertEquals(9001, config.port());
        assertEquals("127.0.0.1", config.host());
        assertEquals(Duration.ofSeconds(30), config.drainTimeout());
        // A -D override is how one works around a bad environment value, so the shadowed one is not parsed.
        assertEquals(9001, BatonConfig.from(Map.of("baton.port", "9001"), Map.of("BATON_PORT", "x")).port());
    }

    @Test
    void environmentNamesAreUpperSnakeCase() {
        Map<String, String> env = new HashMap<>(Map.of(
                "BATON_HOST", "localhost", "BATON_PORT", "1", "BATON_IO_THREADS", "3",
                "BATON_WORKER_THREADS", "5", "BATON_MAX_BODY_SIZE", "1KB", "BATON_DRAIN_TIMEOUT", "1s",
                "BATON_READY_TIMEOUT", "2s", "BATON_JAR", "app.jar", "BATON_PID_FILE", "app.pid",
                "BATON_SIGNALS", "false"));
        env.putAll(Map.of("BATON_REQUEST_HEAD_TIMEOUT", "3s", "BATON_READ_TIMEOUT", "4s",
                "BATON_VIRTUAL_THREADS", "false"));
        BatonConfig config = BatonConfig.from(Map.of(), env);
        assertEquals("host=localhost port=1 ioThreads=3 workerThreads=5 virtualThreads=false maxBodySize=1KB drainTimeout=1s"
                + " readyTimeout=2s probation=30s warmUp=(none) warmUpTime=1s train=false requestHeadTimeout=3s readTimeout=4s writeTimeout=30s keepAliveTimeout=75s"
                + " jar=app.jar pidFile=app.pid signals=false opsPath=/baton admin=off https=off h2c=false tlsCert=(none) tlsKey=(none) tlsKeystore=(none) tlsKeystorePasswordFile=(none) readinessTimeout=500ms accessLog=false metrics=true compression=false compressionMinSize=1KB wsMaxMessageSize=64KB wsCloseSpread=5s dev=false"
                + " ownerPid=(none)", config.describe());
        assertEquals(Duration.ofSeconds(5), env("BATON_WRITE_TIMEOUT", "5s").writeTimeout());
        assertEquals(Duration.ofSeconds(6), env("BATON_KEEP_ALIVE_TIMEOUT", "6s").keepAliveTimeout());
        assertEquals(Duration.ofMillis(1500), env("BATON_PROBATION", "1500ms").probation());
        assertEquals(java.util.List.of("/", "/api/items?limit=10"), env("BATON_WARM_UP", "/, /api/items?limit=10").warmUp());
        assertEquals(Duration.ofMillis(200), env("BATON_WARM_UP_TIME", "200ms").warmUpTime());
        assertTrue(env("BATON_TRAIN", "true").train());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 65535})
    void portRange(int port) {
        assertEquals(port, props("baton.port", String.valueOf(port)).port());
    }

    @ParameterizedTest
    @CsvSource({"500ms, 500", "30s, 30000", "2m, 120000", "1h, 3600000", "'5 s', 5000", "'250 ms', 250", "0s, 0", "0, 0"})
    void durationForms(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), props("baton.drainTimeout", text).drainTimeout());
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "00", "-5s", "5d", "1.5s", "s", "5  s", "5sec", "99999999999999999999h",
        "9223372036854775807h"})
    void badDurations(String text) {
        assertRejected("BATON_DRAIN_TIMEOUT", text, "a duration like 500ms, 30s or 2m",
                () -> env("BATON_DRAIN_TIMEOUT", text));
    }

    @Test
    void zeroDrainTimeoutCutsAtOnceButZeroReadyTimeoutIsRejected() {
        assertEquals(Duration.ZERO, props("baton.drainTimeout", "0ms").drainTimeout());
        assertRejected("baton.readyTimeout", "0s", "a duration greater than 0 like 500ms, 30s or 2m",
                () -> props("baton.readyTimeout", "0s"));
        assertEquals(Duration.ofMillis(1), props("baton.readyTimeout", "1ms").readyTimeout());
        assertEquals(Duration.ZERO, props("baton.probation", "0s").probation());
        assertRejected("baton.probation", "soon", "a duration like 500ms, 30s or 2m", () -> props("baton.probation", "soon"));
        assertRejected("baton.warmUp", "/,items", "request paths separated by commas, each starting with / like"
                + " /,/api/items?limit=10", () -> props("baton.warmUp", "/,items"));
        assertRejected("baton.warmUp", "/a b", "request paths separated by commas, each starting with / like"
                + " /,/api/items?limit=10", () -> props("baton.warmUp", "/a b"));
        assertRejected("baton.warmUpTime", "0s", "a duration greater than 0 like 500ms, 30s or 2m",
                () -> props("baton.warmUpTime", "0s"));
    }

    @Test
    void webSocketSettings() {
        assertEquals(1024, props("baton.wsMaxMessageSize", "1KB").wsMaxMessageSize());
        assertEquals(1L << 20, env("BATON_WS_MAX_MESSAGE_SIZE", "1MB").wsMaxMessageSize());
        assertRejected("baton.wsMaxMessageSize", "0", "a size greater than 0 like 512, 64KB, 10MB or 1GB",
                () -> props("baton.wsMaxMessageSize", "0"));
        assertEquals(Duration.ofMillis(1500), props("baton.wsCloseSpread", "1500ms").wsCloseSpread());
        assertEquals(Duration.ZERO, env("BATON_WS_CLOSE_SPREAD", "0s").wsCloseSpread(), "zero: all at once");
        assertRejected("baton.wsCloseSpread", "-1s", "a duration like 500ms, 30s or 2m",
                () -> props("baton.wsCloseSpread", "-1s"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"baton.requestHeadTimeout", "baton.readTimeout", "baton.writeTimeout",
        "baton.keepAliveTimeout"})
    void httpTimeoutsMustBePositiveDurations(String key) {
        assertRejected(key, "0s", "a duration greater than 0 like 500ms, 30s or 2m", () -> props(key, "0s"));
        assertRejected(key, "10", "a duration greater than 0 like 500ms, 30s or 2m", () -> props(key, "10"));
    }

    @ParameterizedTest
    @CsvSource({"512, 512", "512B, 512", "512b, 512", "64KB, 65536", "64kb, 65536", "64K, 65536", "64k, 65536",
        "10MB, 10485760", "10m, 10485760", "1GB, 1073741824", "1g, 1073741824", "'2 KB', 2048",
        "8GB, 8589934592"})
    void sizeForms(String text, long bytes) {
        assertEquals(bytes, props("baton.maxBodySize", text).maxBodySize());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0KB", "-1", "10TB", "1.5MB", "MB", "10 M B", "99999999999999999999",
        "9007199254740992KB", "9223372036854775807G"})
    void badSizes(String text) {
        assertRejected("baton.maxBodySize", text, "a size greater than 0 like 512, 64KB, 10MB or 1GB",
                () -> props("baton.maxBodySize", text));
    }

    @Test
    void compressionIsOffUnlessAskedAndItsThresholdIsASize() {
        assertFalse(BatonConfig.defaults().compression());
        assertEquals(1024, BatonConfig.defaults().compressionMinSize());
        assertTrue(props("baton.compression", "true").compression());
        assertTrue(env("BATON_COMPRESSION", "TRUE").compression());
        assertEquals(1500, env("BATON_COMPRESSION_MIN_SIZE", "1500").compressionMinSize());
        assertEquals(64 * 1024, props("baton.compressionMinSize", "64KB").compressionMinSize());
        assertRejected("baton.compression", "gzip", "true or false", () -> props("baton.compression", "gzip"));
        assertRejected("baton.compressionMinSize", "1.5KB", "a size greater than 0 like 512, 1KB or 64KB",
                () -> props("baton.compressionMinSize", "1.5KB"));
        assertRejected("BATON_COMPRESSION_MIN_SIZE", "0", "a size greater than 0 like 512, 1KB or 64KB",
                () -> env("BATON_COMPRESSION_MIN_SIZE", "0"));
    }

    @Test
    void badValueMessageNamesKeyAsWrittenValueAndExpectedForm() {
        ConfigException e = assertThrows(ConfigException.class, () -> props("baton.port", "eighty"));
        assertEquals("baton.port: 'eighty' is not valid; expected an integer from 0 to 65535", e.getMessage());
        e = assertThrows(ConfigException.class, () -> env("BATON_DRAIN_TIMEOUT", "30"));
        assertEquals("BATON_DRAIN_TIMEOUT: '30' is not valid; expected a duration like 500ms, 30s or 2m",
                e.getMessage());
        assertRejected("baton.host", "", "a non-empty host name or IP address", () -> props("baton.host", "   "));
    }

    @Test
    void theOperatorsEndpointsMoveOrTurnOff() {
        assertEquals(java.util.Optional.of("/ops/baton"), props("baton.opsPath", "/ops/baton").opsPath());
        assertEquals(java.util.Optional.empty(), props("baton.opsPath", "off").opsPath());
        assertEquals("opsPath=off", java.util.Arrays.stream(props("baton.opsPath", "off").describe().split(" "))
                .filter(part -> part.startsWith("opsPath=")).findFirst().orElseThrow());
        for (String bad : new String[] {"baton", "/baton/", "//baton", "/ba ton", "/"}) {
            assertRejected("baton.opsPath", bad, "a path like /baton (one or more segments, no trailing /), or off",
                    () -> props("baton.opsPath", bad));
        }
    }

    @Test
    void theAdminListenerIsAnAddressOrOff() {
        assertEquals(java.util.Optional.of(new java.net.InetSocketAddress("127.0.0.1", 9090)),
                props("baton.admin", "127.0.0.1:9090").admin());
        assertEquals(java.util.Optional.of(new java.net.InetSocketAddress("::1", 0)), props("baton.admin", "[::1]:0").admin());
        assertEquals(java.util.Optional.empty(), props("baton.admin", "off").admin());
        assertEquals(java.util.Optional.empty(), BatonConfig.defaults().admin());
        for (String bad : new String[] {"9090", ":9090", "::1:9090", "127.0.0.1:65536", "127.0.0.1:", "127.0.0.1:http"}) {
            assertRejected("baton.admin", bad, "host:port like 127.0.0.1:9090 ([::1]:9090 for IPv6), or off",
                    () -> props("baton.admin", bad));
        }
    }

    @ParameterizedTest
    @CsvSource({
        "BATON_PORT, 65536, an integer from 0 to 65535", "BATON_PORT, -1, an integer from 0 to 65535",
        "BATON_PORT, +80, an integer from 0 to 65535", "BATON_PORT, 99999999999, an integer from 0 to 65535",
        "BATON_HOST, '', a non-empty host name or IP address", "BATON_IO_THREADS, 0, an integer of at least 1",
        "BATON_WORKER_THREADS, many, an integer of at least 1", "BATON_JAR, '', a file path",
        "BATON_PID_FILE, '', a file path", "BATON_SIGNALS, yes, true or false", "BATON_SIGNALS, 1, true or false",
        "BATON_VIRTUAL_THREADS, yes, 'auto, true or false'", "BATON_VIRTUAL_THREADS, on, 'auto, true or false'"})
    void everySettingRejectsBadValues(String key, String value, String expected) {
        assertRejected(key, value, expected, () -> env(key, value));
    }

    @Test
    void valueWithLineBreakStaysOnOneLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> props("baton.port", "80\nFAKE LOG LINE"));
        assertEquals("baton.port: '80\\u000aFAKE LOG LINE' is not valid; expected an integer from 0 to 65535",
                e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"true, true", "TRUE, true", "True, true", "false, false", "FALSE, false"})
    void signalsAcceptTrueOrFalseInAnyCase(String text, boolean expected) {
        assertEquals(expected, props("baton.signals", text).signals());
    }

    @Test
    void unknownPropertyWithSuggestion() {
        ConfigException e = assertThrows(ConfigException.class, () -> props("baton.prot", "80"));
        assertEquals("unknown setting baton.prot (did you mean baton.port?); known settings: baton.host, baton.port,"
                + " baton.ioThreads, baton.workerThreads, baton.virtualThreads, baton.maxBodySize, baton.drainTimeout, baton.readyTimeout,"
                + " baton.probation, baton.warmUp, baton.warmUpTime, baton.train, baton.requestHeadTimeout, baton.readTimeout, baton.writeTimeout, baton.keepAliveTimeout,"
                + " baton.jar, baton.pidFile, baton.signals, baton.opsPath, baton.admin, baton.https, baton.h2c, baton.tlsCert, baton.tlsKey, baton.tlsKeystore, baton.tlsKeystorePasswordFile, baton.readinessTimeout, baton.accessLog, baton.metrics, baton.compression, baton.compressionMinSize, baton.wsMaxMessageSize, baton.wsCloseSpread, baton.dev,"
                + " baton.ownerPid", e.getMessage());
        assertEquals("baton.prot", e.key());
    }

    @ParameterizedTest
    @CsvSource({"baton.maxbodysize, baton.maxBodySize", "baton.jarr, baton.jar", "baton.ioThread, baton.ioThreads",
        "baton.drain_timeout, baton.drainTimeout"})
    void unknownPropertyNearAKnownOneIsSuggested(String written, String suggestion) {
        ConfigException e = assertThrows(ConfigException.class, () -> props(written, "1"));
        assertTrue(e.getMessage().startsWith("unknown setting " + written + " (did you mean " + suggestion + "?);"),
                e.getMessage());
    }

    @Test
    void unknownPropertyWithoutSuggestion() {
        ConfigException e = assertThrows(ConfigException.class, () -> props("baton.colour", "blue"));
        assertTrue(e.getMessage().startsWith("unknown setting baton.colour; known settings: baton.host, "),
                e.getMessage());
    }

    @Test
    void unknownEnvironmentVariableWithSuggestion() {
        ConfigException e = assertThrows(ConfigException.class, () -> env("BATON_IO_THREAD", "4"));
        assertTrue(e.getMessage().startsWith(
                "unknown setting BATON_IO_THREAD (did you mean BATON_IO_THREADS?); known settings: BATON_HOST,"
                        + " BATON_PORT, BATON_IO_THREADS, BATON_WORKER_THREADS, BATON_VIRTUAL_THREADS,"
                        + " BATON_MAX_BODY_SIZE,"),
                e.getMessage());
        assertEquals("BATON_IO_THREAD", e.key());
    }

    @Test
    void unknownEnvironmentVariableWithoutSuggestion() {
        ConfigException e = assertThrows(ConfigException.class, () -> env("BATON_LOG_LEVEL", "debug"));
        assertTrue(e.getMessage().startsWith("unknown setting BATON_LOG_LEVEL; known settings: BATON_HOST, "),
                e.getMessage());
    }

    @Test
    void handoffVariablesAreNeitherReportedNorParsed() {
        BatonConfig config = BatonConfig.from(Map.of(), Map.of(
                "BATON_HANDOFF_FDS", "3,4", "BATON_HANDOFF_TOKEN", "not a setting\n", "BATON_HANDOFF_", ""));
        assertEquals(BatonConfig.defaults().describe(), config.describe());
    }

    @Test
    void unrelatedNamesAreIgnored() {
        BatonConfig config = BatonConfig.from(
                Map.of("java.version", "17", "batonport", "x", "my.baton.port", "x"),
                Map.of("PATH", "/bin", "BATONPORT", "x", "baton_port", "x", "MY_BATON_PORT", "x"));
        assertEquals(8080, config.port());
    }

    @Test
    void loadReadsSystemProperties() {
        System.setProperty("baton.readyTimeout", "7s");
        try {
            assertEquals(Duration.ofSeconds(7), BatonConfig.load().readyTimeout());
        } finally {
            System.clearProperty("baton.readyTimeout");
        }
    }

    @Test
    void withReturnsAValidatedCopy() {
        BatonConfig original = BatonConfig.defaults();
        BatonConfig changed = original.with("port", "9000").with("baton.host", " 127.0.0.1 ");
        assertEquals("127.0.0.1:9000", changed.host() + ":" + changed.port());
        assertEquals("0.0.0.0:8080", original.host() + ":" + original.port());
        assertRejected("port", "eighty", "an integer from 0 to 65535", () -> original.with("port", "eighty"));
        assertRejected("baton.port", "eighty", "an integer from 0 to 65535",
                () -> original.with("baton.port", "eighty"));
    }

    @Test
    void withRejectsUnknownKeys() {
        ConfigException e = assertThrows(ConfigException.class, () -> BatonConfig.defaults().with("prot", "80"));
        assertTrue(e.getMessage().startsWith("unknown setting prot (did you mean port?); known settings: host, port,"),
                e.getMessage());
        e = assertThrows(ConfigException.class, () -> BatonConfig.defaults().with("baton.prot", "80"));
        assertTrue(e.getMessage().startsWith("unknown setting baton.prot (did you mean baton.port?)"), e.getMessage());
        assertThrows(ConfigException.class, () -> BatonConfig.defaults().with("BATON_PORT", "80"));
    }

    @Test
    void workerThreadsDefaultFollowsIoThreadsUnlessSet() {
        BatonConfig config = BatonConfig.defaults().with("ioThreads", "3");
        assertEquals(24, config.workerThreads());
        assertEquals(5, config.with("workerThreads", "5").with("ioThreads", "4").workerThreads());
    }

    @Test
    void jarPathIsKeptAsWritten(@TempDir Path dir) throws Exception {
        String relative = "releases/../current/./app.jar";
        assertEquals(relative, props("baton.jar", relative).jar().orElseThrow().toString());

        // The deploy symlink is re-pointed on each release; resolving it here would pin the old jar.
        Path target = Files.createFile(dir.resolve("app-1.2.jar"));
        Path link = Files.createSymbolicLink(dir.resolve("app.jar"), target);
        Path jar = env("BATON_JAR", link.toString()).jar().orElseThrow();
        assertEquals(link, jar);
        assertNotEquals(target.toRealPath(), jar);
    }

    @ParameterizedTest
    @CsvSource({"auto, AUTO", "AUTO, AUTO", "false, FALSE", "False, FALSE"})
    void virtualThreadsAcceptAutoTrueOrFalseInAnyCase(String text, BatonConfig.VirtualThreads expected) {
        assertEquals(expected, props("baton.virtualThreads", text).virtualThreads());
        assertEquals(expected, env("BATON_VIRTUAL_THREADS", " " + text + " ").virtualThreads());
    }

    @Test
    void virtualThreadsTrueIsTakenFromJava21AndRefusedInOneLineBelow() {
        if (Runtime.version().feature() >= 21) {
            assertEquals(BatonConfig.VirtualThreads.TRUE, props("baton.virtualThreads", "true").virtualThreads());
            assertEquals("virtualThreads=true", BatonConfig.defaults().with("virtualThreads", "TRUE").describe()
                    .replaceAll(".* (virtualThreads=\\S+) .*", "$1"));
        } else {
            String java = System.getProperty("java.version");
            ConfigException e = assertThrows(ConfigException.class, () -> env("BATON_VIRTUAL_THREADS", "true"));
            assertEquals("BATON_VIRTUAL_THREADS: 'true' needs virtual threads, which came with Java 21; this JVM is"
                    + " Java " + java + ": set it to auto or false, or run on Java 21 or later", e.getMessage());
            assertEquals("BATON_VIRTUAL_THREADS", e.key());
            assertOneLine(e.getMessage());
            e = assertThrows(ConfigException.class, () -> BatonConfig.defaults().with("baton.virtualThreads", "True"));
            assertTrue(e.getMessage().startsWith("baton.virtualThreads: 'True' needs virtual threads"), e.getMessage());
        }
        // What each JVM would say, whichever runs the test
        assertEquals(null, Setting.virtualThreadsUsable(BatonConfig.VirtualThreads.TRUE, 21, "21.0.1"));
        assertEquals(null, Setting.virtualThreadsUsable(BatonConfig.VirtualThreads.AUTO, 17, "17.0.15"));
        assertEquals(null, Setting.virtualThreadsUsable(BatonConfig.VirtualThreads.FALSE, 17, "17.0.15"));
        assertEquals("needs virtual threads, which came with Java 21; this JVM is Java 20.0.2: set it to auto or false,"
                + " or run on Java 21 or later", Setting.virtualThreadsUsable(BatonConfig.VirtualThreads.TRUE, 20, "20.0.2"));
    }

    @ParameterizedTest
    @CsvSource({"auto, 17, false", "auto, 21, false", "auto, 23, false", "auto, 24, true", "auto, 25, true",
        "true, 21, true", "true, 25, true", "false, 21, false", "false, 25, false"})
    void autoPicksVirtualThreadsFromJava24(String text, int feature, boolean virtual) {
        assertEquals(virtual, BatonConfig.VirtualThreads.valueOf(text.toUpperCase(java.util.Locale.ROOT)).virtualOn(feature));
    }

    @Test
    void describeIsOneLineWithEffectiveValues() {
        String line = BatonConfig.defaults().with("jar", "/srv/app.jar").with("drainTimeout", "0s").describe();
        assertOneLine(line);
        assertTrue(line.startsWith("host=0.0.0.0 port=8080 ioThreads="), line);
        assertTrue(line.endsWith(" virtualThreads=auto maxBodySize=10MB drainTimeout=0s readyTimeout=1m probation=30s warmUp=(none) warmUpTime=1s train=false"
                + " requestHeadTimeout=10s"
                + " readTimeout=30s writeTimeout=30s keepAliveTimeout=75s jar=/srv/app.jar pidFile=(none) signals=true"
                + " opsPath=/baton admin=off https=off h2c=false tlsCert=(none) tlsKey=(none) tlsKeystore=(none) tlsKeystorePasswordFile=(none) readinessTimeout=500ms accessLog=false metrics=true compression=false compressionMinSize=1KB wsMaxMessageSize=64KB wsCloseSpread=5s dev=false ownerPid=(none)"),
                line);
    }
}
