package dev.privatelink.usage;

import dev.privatelink.usage.UsageLedger.Reading;
import dev.privatelink.usage.UsageLedger.ServiceKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the per-endpoint byte counters out of a forwarder's Prometheus text exposition (what its
 * {@code /q/metrics} serves), and nothing else: the rest of the page is left unparsed.
 */
public final class ForwarderMetricsText {
    private ForwarderMetricsText() {}

    static final String BYTES = "privatelink_forwarder_bytes_total";
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private record Key(String endpointId, ServiceKey service) {}

    /** One reading per endpoint the page names; lines it cannot read are skipped. */
    public static List<Reading> readings(String page) {
        Map<Key, long[]> bytes = new LinkedHashMap<>();
        for (String line : page.split("\n")) {
            if (!line.startsWith(BYTES + "{")) {
                continue;
            }
            int close = line.lastIndexOf('}');
            if (close < 0) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            Matcher m = LABEL.matcher(line.substring(BYTES.length() + 1, close));
            while (m.find()) {
                labels.put(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
            }
            String endpointId = labels.get("endpoint_id");
            String direction = labels.get("direction");
            String[] rest = line.substring(close + 1).trim().split("\\s+");
            if (endpointId == null || direction == null || rest.length == 0) {
                continue;
            }
            long value;
            try {
                value = (long) Double.parseDouble(rest[0]);
            } catch (NumberFormatException e) {
                continue;
            }
            ServiceKey service = new ServiceKey(
                    labels.getOrDefault("endpoint_service_namespace", ""), labels.getOrDefault("endpoint_service", ""));
            long[] pair = bytes.computeIfAbsent(new Key(endpointId, service), k -> new long[2]);
            switch (direction) {
                case "client_to_upstream" -> pair[0] += value;
                case "upstream_to_client" -> pair[1] += value;
                default -> {}
            }
        }
        List<Reading> readings = new ArrayList<>();
        bytes.forEach((k, pair) -> readings.add(new Reading(k.endpointId(), k.service(), pair[0], pair[1])));
        return readings;
    }
}
