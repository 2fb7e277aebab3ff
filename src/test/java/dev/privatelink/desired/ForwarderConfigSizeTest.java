package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.EndpointServiceSpec;
import dev.privatelink.api.EndpointServiceStatus;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.InterfaceEndpointSpec;
import dev.privatelink.api.InterfaceEndpointStatus;
import dev.privatelink.api.LoadBalancerAddress;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.forwarder.config.ForwarderConfig;
import dev.privatelink.ids.Ids;
import dev.privatelink.operator.TestSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * SEC-03: the forwarder ConfigMap of a namespace at its endpoint quota, with the most ports and
 * load balancers the schema allows, is one the API server stores (its data under 1 MiB), with a
 * margin. Built through the real plan, so that what is measured is what the operator writes.
 */
class ForwarderConfigSizeTest {

    /** The API server's limit on a ConfigMap's data (keys and values together). */
    static final int CONFIG_MAP_LIMIT = 1024 * 1024;
    /** What the worst case may use of it: room for fields added later and for annotations' growth. */
    static final int BUDGET = CONFIG_MAP_LIMIT / 2;

    static final int MAX_LOAD_BALANCERS = 8;
    static final int MAX_PORTS = 64;
    static final int LONGEST_ADDRESS = 253;

    @Test
    void aNamespaceAtItsQuotaWithTheLargestServicesFitsInOneConfigMap() throws JsonProcessingException {
        assertFits(ForwarderConfigSizeTest::longName, "253-character names");
    }

    /** The usual case: load balancers with a ClusterIP, here IPv6 ones of the longest form. */
    @Test
    void aNamespaceAtItsQuotaWithClusterIpLoadBalancersFitsInOneConfigMap() throws JsonProcessingException {
        assertFits(
                (service, lb) -> String.format("fd00:10:96:ffff:ffff:%04x:%04x:%04x", service, lb, 0xffff),
                "IPv6 ClusterIPs");
    }

    private static void assertFits(BiFunction<Integer, Integer, String> address, String what)
            throws JsonProcessingException {
        OperatorSettings settings = TestSettings.defaults();
        ForwarderWorld world = worstCase(settings.endpointQuota(), address);

        ForwarderPlan plan = ForwarderPlan.of(world, settings);

        ConfigMap configMap = plan.objects().orElseThrow().configMap();
        assertThat(plan.unplaced()).as("endpoints left without a listener port").isEmpty();
        assertThat(ForwarderConfig.from(configMap).routes()).hasSize(settings.endpointQuota() * MAX_PORTS);
        int size = dataSize(configMap);
        // The same routes as the route list operators wrote before the compact form.
        int routeList = new ObjectMapper()
                .writeValueAsString(Map.of("routes", plan.config().routes()))
                .getBytes(StandardCharsets.UTF_8)
                .length;
        System.out.printf(
                "worst-case forwarder config with %s: %d bytes (as a route list: %d)%n", what, size, routeList);
        assertThat(size).as("data bytes of the worst case").isLessThan(BUDGET);
        assertThat(routeList)
                .as("the route list, which this test was written against")
                .isGreaterThan(CONFIG_MAP_LIMIT);
    }

    /** The ConfigMap data size as the API server counts it: every key and value, in bytes. */
    static int dataSize(ConfigMap configMap) {
        return configMap.getData().entrySet().stream()
                .mapToInt(e -> e.getKey().getBytes(StandardCharsets.UTF_8).length
                        + e.getValue().getBytes(StandardCharsets.UTF_8).length)
                .sum();
    }

    /**
     * {@code endpoints} Available endpoints, each to its own endpoint service (so that no upstream
     * set is shared) with the most load balancers, each with an address of the longest DNS name
     * (ExternalName Services need the admin's allowExternalLoadBalancers; headless ones reach 145
     * characters with cluster.local and more with a longer cluster domain), the largest weight,
     * PROXY v2, and the most ports, all of five digits; the endpoint services have the longest
     * namespaces and names.
     */
    static ForwarderWorld worstCase(int endpoints, BiFunction<Integer, Integer, String> address) {
        List<InterfaceEndpoint> eps = new ArrayList<>();
        Map<String, EndpointService> services = new HashMap<>();
        List<Integer> ports =
                IntStream.rangeClosed(65536 - MAX_PORTS, 65535).boxed().toList();
        for (int i = 0; i < endpoints; i++) {
            String serviceName = Ids.serviceName("service-" + i);
            services.put(serviceName, service(i, address));
            eps.add(endpoint(i, serviceName, ports));
        }
        return new ForwarderWorld(
                new ConsumerNamespace("shop", "6f1c2d3e-0000-4000-8000-00000000c0de"),
                eps,
                services,
                ForwarderConfig.EMPTY,
                FreedPorts.NONE,
                Instant.parse("2026-11-30T12:00:00Z"));
    }

    static EndpointService service(int i, BiFunction<Integer, Integer, String> address) {
        EndpointServiceSpec spec = new EndpointServiceSpec();
        spec.setProxyProtocol(EndpointServiceSpec.ProxyProtocol.V2);
        EndpointServiceStatus status = new EndpointServiceStatus();
        List<LoadBalancerAddress> upstreams = new ArrayList<>();
        for (int lb = 0; lb < MAX_LOAD_BALANCERS; lb++) {
            upstreams.add(new LoadBalancerAddress("lb-" + lb, address.apply(i, lb), 1000));
        }
        status.setUpstreams(upstreams);
        EndpointService es = new EndpointService();
        es.setMetadata(new ObjectMetaBuilder()
                // the longest namespace and name, as the forwarder's metric labels carry them
                .withNamespace(padded("owner-" + i, 63))
                .withName(padded("api-" + i, 253))
                .withUid("service-" + i)
                .build());
        es.setSpec(spec);
        es.setStatus(status);
        return es;
    }

    private static String padded(String name, int length) {
        return name + "x".repeat(length - name.length());
    }

    /** A DNS name of exactly {@link #LONGEST_ADDRESS} characters, distinct per service and load balancer. */
    static String longName(Integer service, Integer lb) {
        String head = "lb" + lb + "-svc" + service + ".";
        StringBuilder name = new StringBuilder(head);
        while (name.length() < LONGEST_ADDRESS) {
            int left = LONGEST_ADDRESS - name.length();
            name.append(left > 63 ? "a".repeat(62) + "." : "a".repeat(left));
        }
        return name.toString();
    }

    static InterfaceEndpoint endpoint(int i, String serviceName, List<Integer> ports) {
        InterfaceEndpointSpec spec = new InterfaceEndpointSpec();
        spec.setServiceName(serviceName);
        InterfaceEndpointStatus status = new InterfaceEndpointStatus();
        status.setState(ConnectionState.Available);
        status.setEndpointId(Ids.endpointId("endpoint-" + i));
        status.setPorts(ports);
        InterfaceEndpoint ep = new InterfaceEndpoint();
        ep.setMetadata(new ObjectMetaBuilder()
                .withNamespace("shop")
                .withName("endpoint-" + i)
                .withUid("endpoint-" + i)
                .build());
        ep.setSpec(spec);
        ep.setStatus(status);
        return ep;
    }
}
