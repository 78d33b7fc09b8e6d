package dev.baton.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.config.BatonConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code baton} command's parts that need no running service; {@code CliIT} drives it against real ones. */
class CliTest {

    private static final String STATUS = """
            {"generation":2,"pid":4242,"state":"serving","started":"2026-12-02T06:31:07.120Z","uptimeMillis":93211,
             "listener":"0.0.0.0:8080 (inherited from gen 1 pid 4177)","exchanges":3,"connections":41,
             "lastUpgrade":{"at":"2026-12-02T06:31:08.004Z","from":1,"to":2,"result":"ok","handOffMillis":1312}}""";

    @Test
    void aChildThatLivedLessThanAPollStillShowsOnceReaped() throws Exception {
        // What `baton upgrade` without a status goes by when a release fails at once: the old process reaped a child.
        long self = ProcessHandle.current().pid();
        long before = Service.reapedChildTicks(self);
        assertTrue(before >= 0, "readable from /proc");
        Process busy = new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done").start();
        assertTrue(busy.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(Service.reapedChildTicks(self) > before, "the child's CPU time joins its parent's once reaped");
        assertEquals(-1, Service.reapedChildTicks(Integer.MAX_VALUE), "no such process");
    }

    @Test
    void findsTheServiceByTheAppsSettings() {
        Service service = Service.locate(config(Map.of("BATON_PORT", "9000", "BATON_PID_FILE", "/run/app/app.pid")), null, null);
        assertEquals("http://127.0.0.1:9000/baton/status", service.statusUrl());
        assertEquals(Path.of("/run/app/app.pid"), service.pidFile());
        assertEquals("http://[::1]:8080/ops/status",
                Service.locate(config(Map.of("BATON_HOST", "::", "BATON_OPS_PATH", "/ops")), null, null).statusUrl());
        assertEquals("http://10.0.0.5:8080/baton/status",
                Service.locate(config(Map.of("BATON_HOST", "10.0.0.5")), null, null).statusUrl());
    }

    @Test
    void optionsWinOverSettings() {
        Service service = Service.locate(config(Map.of("BATON_PORT", "9000", "BATON_PID_FILE", "/run/a.pid")),
                "/tmp/b.pid", "http://127.0.0.1:7000/x/");
        assertEquals("http://127.0.0.1:7000/x/status", service.statusUrl());
        assertEquals(Path.of("/tmp/b.pid"), service.pidFile());
        assertThrows(IllegalArgumentException.class, () -> Service.locate(config(Map.of()), null, "127.0.0.1:8080"));
    }

    @Test
    void noStatusWhenTheOpsEndpointsAreOffOrThePortIsUnknown() {
        Service off = Service.locate(config(Map.of("BATON_OPS_PATH", "off")), null, null);
        assertFalse(off.hasStatus());
        assertEquals("baton.opsPath is off", off.noStatus());
        assertTrue(Service.locate(config(Map.of("BATON_PORT", "0")), null, null).noStatus().contains("--url"));
    }

    @Test
    void readsAndDescribesAStatus() throws Exception {
        ServiceStatus status = ServiceStatus.parse(STATUS);
        assertEquals("gen 2 pid 4242", status.who());
        assertTrue(status.serving());
        assertEquals(1312, status.lastUpgrade().handOffMillis());
        assertNull(status.lastUpgrade().reason());
        String text = status.describe();
        assertTrue(text.startsWith("gen 2 pid 4242 serving since 2026-12-02T06:31:07.120Z (up 1m 33s)\n"), text);
        assertTrue(text.contains("  listener 0.0.0.0:8080 (inherited from gen 1 pid 4177); 3 exchanges on 41 connections\n"), text);
        assertTrue(text.endsWith("  last upgrade: gen 1 -> 2 ok at 2026-12-02T06:31:08.004Z (hand-off 1312 ms)\n"), text);
        assertTrue(ServiceStatus.parse(STATUS.replace("\"lastUpgrade\":{", "\"lastUpgrade\":null,\"x\":{"))
                .describe().contains("no upgrade yet"));
        assertThrows(java.io.IOException.class, () -> ServiceStatus.parse("{\"status\":\"live\"}"));
    }

    @Test
    void anotherUpgradeIsOneWithAnotherRecord() throws Exception {
        ServiceStatus before = ServiceStatus.parse(STATUS);
        assertFalse(ServiceStatus.parse(STATUS).upgradedSince(before));
        assertTrue(ServiceStatus.parse(STATUS.replace("08.004Z", "59.000Z")).upgradedSince(before));
        assertTrue(before.upgradedSince(null));
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(Cli.USAGE, run("restart"));
        assertEquals(Cli.USAGE, run());
        assertEquals(Cli.USAGE, run("upgrade", "--timeout", "soon"));
        assertEquals(Cli.USAGE, run("upgrade", "--timeout", "0s"));
        assertEquals(Cli.USAGE, run("stop", "--json"));
        assertEquals(Cli.USAGE, run("status", "--frobnicate"));
        assertEquals(Cli.OK, run("--help"));
    }

    private static int run(String... args) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(sink, true, StandardCharsets.UTF_8);
        return Cli.run(args, stream, stream);
    }

    private static BatonConfig config(Map<String, String> env) {
        return BatonConfig.from(Map.of(), env);
    }
}
