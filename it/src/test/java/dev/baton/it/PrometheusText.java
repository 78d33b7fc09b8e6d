package dev.baton.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Prometheus text format read by Prometheus's own Python client ({@code prometheus_client.parser}, Debian's
 * python3-prometheus-client, which .ci/run installs): a sample the real parser cannot read fails the test.
 */
final class PrometheusText {

    private static final String PARSE = String.join("\n",
            "import sys",
            "from prometheus_client.parser import text_string_to_metric_families",
            "for family in text_string_to_metric_families(sys.stdin.read()):",
            "    for s in family.samples:",
            "        labels = ','.join(k + '=' + v for k, v in sorted(s.labels.items()))",
            "        print(s.name + '{' + labels + '}\\t' + repr(float(s.value)))");

    private PrometheusText() {}

    /** Each sample as {@code name{key=value,...}} (keys sorted) to its value. */
    static Map<String, Double> parse(String text) throws IOException, InterruptedException {
        Process python = new ProcessBuilder("/usr/bin/python3", "-c", PARSE).redirectErrorStream(true).start();
        try (OutputStream in = python.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!python.waitFor(30, TimeUnit.SECONDS) || python.exitValue() != 0) {
            throw new AssertionError("the Prometheus parser refused the text (or is missing: apt-get install"
                    + " python3-prometheus-client):\n" + out + "\n--- text:\n" + text);
        }
        Map<String, Double> samples = new HashMap<>();
        for (String line : out.split("\n")) {
            int tab = line.lastIndexOf('\t');
            if (tab > 0) {
                samples.put(line.substring(0, tab), Double.parseDouble(line.substring(tab + 1)));
            }
        }
        return samples;
    }
}
