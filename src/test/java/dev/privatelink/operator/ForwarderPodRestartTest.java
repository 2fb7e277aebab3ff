package dev.privatelink.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.Principal;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A forwarder pod restarts while the other one of the namespace keeps serving: the endpoint's
 * slices keep the other pod's ready address throughout, and follow the restarted pod back.
 */
class ForwarderPodRestartTest extends OperatorTestBase {

    static final String FIRST = "10.244.0.5";
    static final String SECOND = "10.244.1.5";

    @BeforeEach
    void availableThroughTwoForwarders() {
        world.namespace(OWNER);
        world.namespace(CONSUMER);
        world.node("node-a", "zone-a");
        world.node("node-b", "zone-a");
        world.loadBalancer(OWNER, "api", "10.96.0.10", 8080);
        world.endpointService(OWNER, "api", "api");
        world.permission(OWNER, "all", "api", true, Principal.namespace(CONSUMER));
        world.forwarderPod(CONSUMER, "fwd-1", FIRST, "node-a", true);
        world.forwarderPod(CONSUMER, "fwd-2", SECOND, "node-b", true);
        world.endpoint(CONSUMER, "api", serviceNameOf(OWNER, "api"));
        awaitState(CONSUMER, "api", ConnectionState.Available);
        awaitAddresses(Map.of(FIRST, true, SECOND, true));
    }

    @Test
    void aDeletedPodLeavesTheOtherServingAndItsReplacementJoinsWhenReady() {
        SliceHistory history = new SliceHistory();
        client.pods()
                .inNamespace(TestSettings.OPERATOR_NAMESPACE)
                .withName("fwd-2")
                .delete();
        awaitAddresses(Map.of(FIRST, true));

        String replacement = "10.244.1.9";
        world.forwarderPod(CONSUMER, "fwd-2", replacement, "node-b", false);
        awaitAddresses(Map.of(FIRST, true, replacement, false));

        world.forwarderPod(CONSUMER, "fwd-2", replacement, "node-b", true);
        awaitAddresses(Map.of(FIRST, true, replacement, true));
        history.assertEveryVersionHadReady(FIRST);
    }

    @Test
    void aPodThatIsNotReadyStaysListedNotReadyUntilItIsReadyAgain() {
        SliceHistory history = new SliceHistory();
        world.forwarderPod(CONSUMER, "fwd-1", FIRST, "node-a", false);
        awaitAddresses(Map.of(FIRST, false, SECOND, true));

        world.forwarderPod(CONSUMER, "fwd-1", FIRST, "node-a", true);
        awaitAddresses(Map.of(FIRST, true, SECOND, true));
        history.assertEveryVersionHadReady(SECOND);
    }

    @AfterEach
    void stopWatching() {
        watches.forEach(Watch::close);
    }

    final List<Watch> watches = new ArrayList<>();

    /** Every version of the regional slice written from now on, as a watch delivers them. */
    final class SliceHistory {
        final List<EndpointSlice> versions = new CopyOnWriteArrayList<>();

        SliceHistory() {
            watches.add(client.resources(EndpointSlice.class)
                    .inNamespace(CONSUMER)
                    .withName("api-ipv4")
                    .watch(new Watcher<>() {
                        @Override
                        public void eventReceived(Action action, EndpointSlice slice) {
                            versions.add(slice);
                        }

                        @Override
                        public void onClose(WatcherException cause) {}
                    }));
        }

        /** The address was ready in every version: the other pod never stopped taking traffic. */
        void assertEveryVersionHadReady(String address) {
            assertThat(versions).as("versions of the slice written meanwhile").isNotEmpty();
            assertThat(versions).allSatisfy(v -> assertThat(readiness(v)).containsEntry(address, true));
        }
    }

    /** Both slices of the endpoint (regional and zonal) list exactly these addresses, with this readiness. */
    private void awaitAddresses(Map<String, Boolean> readyByAddress) {
        eventually().untilAsserted(() -> {
            for (String slice : List.of("api-ipv4", "api-zone-a-ipv4")) {
                assertThat(readiness(slice(CONSUMER, slice)))
                        .as("addresses of slice %s, ready or not", slice)
                        .isEqualTo(readyByAddress);
            }
        });
    }

    private static Map<String, Boolean> readiness(EndpointSlice slice) {
        Map<String, Boolean> readiness = new TreeMap<>();
        if (slice != null) {
            for (Endpoint e : slice.getEndpoints()) {
                e.getAddresses().forEach(a -> readiness.put(a, e.getConditions().getReady()));
            }
        }
        return readiness;
    }
}
