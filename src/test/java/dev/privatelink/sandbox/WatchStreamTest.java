package dev.privatelink.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchStreamTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final WebSocketListener MOCK = new WebSocketListener() {};

    static String event(String type, String name, int resourceVersion) {
        return "{\"type\":\"" + type + "\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name
                + "\",\"resourceVersion\":\"" + resourceVersion
                + "\",\"creationTimestamp\":\"2026-01-01T00:00:00Z\"}}}";
    }

    @Test
    void fromAVersionTheObjectsListedBeforeAreNotAddedAgain() {
        WatchStream watch = WatchStream.of(MOCK, "?resourceVersion=8&watch=true", null, o -> true);
        assertThat(watch.adapt(event("ADDED", "old", 7))).isNull();
        assertThat(watch.adapt(event("ADDED", "listed", 8))).isNull();
        assertThat(watch.adapt(event("ADDED", "new", 9))).isEqualTo(event("ADDED", "new", 9));
        // a deletion carries the object as it was: sent whatever its version
        assertThat(watch.adapt(event("DELETED", "old", 7))).isNotNull();
    }

    @Test
    void withoutAVersionEveryObjectIsAddedFirst() {
        WatchStream watch = WatchStream.of(MOCK, "?watch=true", null, o -> true);
        assertThat(watch.adapt(event("ADDED", "old", 7))).isNotNull();
        assertThat(WatchStream.of(MOCK, "?watch=1&resourceVersion=0", null, o -> true)
                        .adapt(event("ADDED", "old", 7)))
                .isNotNull();
    }

    @Test
    void aTableWatchSendsEachObjectAsATableAndTheFieldSelectorFilters() throws Exception {
        WatchStream watch = WatchStream.of(
                MOCK,
                "?watch=true&fieldSelector=metadata.name%3Done",
                List.of(TableView.NAME),
                FieldSelector.parse(
                        WatchStream.parameter("?watch=true&fieldSelector=metadata.name%3Done", "fieldSelector")));
        assertThat(watch.adapt(event("MODIFIED", "other", 3))).isNull();
        JsonNode table = JSON.readTree(watch.adapt(event("MODIFIED", "one", 3)));
        assertThat(table.path("type").asText()).isEqualTo("MODIFIED");
        assertThat(table.at("/object/kind").asText()).isEqualTo("Table");
        assertThat(table.at("/object/rows/0/cells/0").asText()).isEqualTo("one");
    }
}
