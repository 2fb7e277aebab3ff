package dev.privatelink.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * The mock server's watch, adapted to what kubectl asks for (kube-apiserver's semantics):
 * <ul>
 *   <li>from a {@code resourceVersion}: the mock server starts every watch with an ADDED event of
 *       each object there is, which kube-apiserver sends only to a watch without one; those of
 *       objects no newer than the version asked for are dropped (kubectl would print them twice);
 *   <li>a Table for each event's object when kubectl asks for Tables ({@code kubectl get -w});
 *   <li>only objects the field selector (of {@code involvedObject.*}, say) matches.
 * </ul>
 */
final class WatchStream extends WebSocketListener {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocketListener mock;
    private final long fromVersion;
    private final List<TableView.Column> table;
    private final Predicate<JsonNode> selected;

    private WatchStream(
            WebSocketListener mock, long fromVersion, List<TableView.Column> table, Predicate<JsonNode> selected) {
        this.mock = mock;
        this.fromVersion = fromVersion;
        this.table = table;
        this.selected = selected;
    }

    /** The mock's watch listener, adapted; {@code table} null for objects as they are. */
    static WatchStream of(
            WebSocketListener mock, String query, List<TableView.Column> table, Predicate<JsonNode> selected) {
        long from = -1;
        String version = parameter(query, "resourceVersion");
        if (version != null && !version.isEmpty() && !version.equals("0")) {
            try {
                from = Long.parseLong(version);
            } catch (NumberFormatException e) {
                from = -1;
            }
        }
        return new WatchStream(mock, from, table, selected);
    }

    /** The decoded value of a query parameter, or null. */
    static String parameter(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.replaceFirst("^\\?", "").split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The event to send instead of this one of the mock server, or null to send none. */
    String adapt(String event) {
        try {
            JsonNode node = JSON.readTree(event);
            JsonNode object = node.path("object");
            String type = node.path("type").asText();
            if (!object.isObject()) {
                return event;
            }
            if (type.equals("ADDED") && fromVersion >= 0) {
                String version = object.path("metadata").path("resourceVersion").asText("");
                try {
                    if (!version.isEmpty() && Long.parseLong(version) <= fromVersion) {
                        return null;
                    }
                } catch (NumberFormatException e) {
                    // not a number: sent
                }
            }
            if (!selected.test(object)) {
                return null;
            }
            if (table == null) {
                return event;
            }
            ObjectNode adapted = JSON.createObjectNode().put("type", type);
            adapted.set("object", TableView.table(object, table, Instant.now()));
            return JSON.writeValueAsString(adapted);
        } catch (IOException e) {
            return event;
        }
    }

    @Override
    public void onOpen(WebSocket socket, Response response) {
        mock.onOpen(new Adapting(socket), response);
    }

    @Override
    public void onClosing(WebSocket socket, int code, String reason) {
        mock.onClosing(socket, code, reason);
    }

    @Override
    public void onClosed(WebSocket socket, int code, String reason) {
        mock.onClosed(socket, code, reason);
    }

    @Override
    public void onFailure(WebSocket socket, Throwable t, Response response) {
        mock.onFailure(socket, t, response);
    }

    private final class Adapting implements WebSocket {
        private final WebSocket socket;

        Adapting(WebSocket socket) {
            this.socket = socket;
        }

        @Override
        public RecordedRequest request() {
            return socket.request();
        }

        @Override
        public boolean send(String text) {
            String adapted = adapt(text);
            return adapted == null || socket.send(adapted);
        }

        @Override
        public boolean send(byte[] bytes) {
            return send(new String(bytes, StandardCharsets.UTF_8));
        }

        @Override
        public boolean send(ByteString bytes) {
            return send(bytes.utf8());
        }

        @Override
        public boolean close(int code, String reason) {
            return socket.close(code, reason);
        }
    }
}
