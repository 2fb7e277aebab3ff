package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.privatelink.api.EndpointService;
import dev.privatelink.api.EndpointServiceSpec;
import dev.privatelink.api.LoadBalancerAddress;
import dev.privatelink.api.LoadBalancerRef;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoadBalancersTest {

    static Service service(String name, String ip, int... ports) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("p")
                .endMetadata()
                .withNewSpec()
                .withClusterIP(ip)
                .withSelector(Map.of("app", name))
                .withPorts(Arrays.stream(ports)
                        .mapToObj(p -> new ServicePortBuilder()
                                .withPort(p)
                                .withProtocol("TCP")
                                .build())
                        .toList())
                .endSpec()
                .build();
    }

    static EndpointService es(List<Integer> ports, LoadBalancerRef... refs) {
        EndpointServiceSpec spec = new EndpointServiceSpec();
        spec.setLoadBalancers(List.of(refs));
        spec.setPorts(ports);
        EndpointService es = new EndpointService();
        es.setMetadata(
                new ObjectMetaBuilder().withName("api").withNamespace("p").build());
        es.setSpec(spec);
        return es;
    }

    static LoadBalancers.Resolution resolve(EndpointService es, Map<String, Service> services) {
        return LoadBalancers.resolve(
                es, n -> Optional.ofNullable(services.get(n)), n -> Optional.empty(), "cluster.local", false);
    }

    @Test
    void defaultPortsAreThoseAllLoadBalancersShareWithWeightedUpstreams() {
        var r = resolve(
                es(null, new LoadBalancerRef("blue", 3), new LoadBalancerRef("green", 1)),
                Map.of("blue", service("blue", "10.0.0.1", 80, 443), "green", service("green", "10.0.0.2", 443)));
        assertThat(r.resolved()).isTrue();
        assertThat(r.ports()).containsExactly(443);
        assertThat(r.upstreams())
                .extracting(
                        LoadBalancerAddress::getName, LoadBalancerAddress::getAddress, LoadBalancerAddress::getWeight)
                .containsExactly(tuple("blue", "10.0.0.1", 3), tuple("green", "10.0.0.2", 1));
    }

    @Test
    void zeroWeightLoadBalancerGetsNoTraffic() {
        var r = resolve(
                es(null, new LoadBalancerRef("blue", 0), new LoadBalancerRef("green", 1)),
                Map.of("blue", service("blue", "10.0.0.1", 80), "green", service("green", "10.0.0.2", 80)));
        assertThat(r.upstreams()).extracting(LoadBalancerAddress::getAddress).containsExactly("10.0.0.2");
    }

    @Test
    void headlessLoadBalancerIsReachedByDnsName() {
        var r = resolve(es(null, new LoadBalancerRef("api", 1)), Map.of("api", service("api", "None", 80)));
        assertThat(r.upstreams())
                .extracting(LoadBalancerAddress::getAddress)
                .containsExactly("api.p.svc.cluster.local");
    }

    @Test
    void missingServiceAndMissingPortAreNamed() {
        var missing = resolve(es(null, new LoadBalancerRef("api", 1)), Map.of());
        assertThat(missing.reason()).isEqualTo("LoadBalancerNotFound");
        assertThat(missing.message()).isEqualTo("Service api not found");
        var port = resolve(
                es(List.of(8443), new LoadBalancerRef("api", 1)), Map.of("api", service("api", "10.0.0.1", 80)));
        assertThat(port.reason()).isEqualTo("PortNotFound");
        assertThat(port.message()).contains("8443").contains("it has 80");
    }

    @Test
    void serviceBeingDeletedIsNotFound() {
        Service going = service("api", "10.0.0.1", 80);
        going.getMetadata().setDeletionTimestamp("2026-11-26T09:00:00Z");
        assertThat(resolve(es(null, new LoadBalancerRef("api", 1)), Map.of("api", going))
                        .reason())
                .isEqualTo("LoadBalancerNotFound");
    }

    @Test
    void loadBalancerOfAnotherServiceIsInUse() {
        var r = LoadBalancers.resolve(
                es(null, new LoadBalancerRef("api", 1)),
                n -> Optional.of(service("api", "10.0.0.1", 80)),
                n -> Optional.of("older"),
                "cluster.local",
                false);
        assertThat(r.reason()).isEqualTo("LoadBalancerInUse");
        assertThat(r.message()).contains("older");
    }

    @Test
    void anExternalNameServiceIsNoLoadBalancer() {
        Service external = new ServiceBuilder(service("api", null, 80))
                .editSpec()
                .withType("ExternalName")
                .withExternalName("169.254.169.254")
                .endSpec()
                .build();

        var r = resolve(es(null, new LoadBalancerRef("api", 1)), Map.of("api", external));

        assertThat(r.resolved()).isFalse();
        assertThat(r.reason()).isEqualTo("LoadBalancerNotSupported");
    }

    @Test
    void aServiceWithoutSelectorIsNoLoadBalancerUnlessTheAdminAllowsIt() {
        Service selectorless = new ServiceBuilder(service("api", "10.0.0.1", 80))
                .editSpec()
                .withSelector(null)
                .endSpec()
                .build();
        EndpointService es = es(null, new LoadBalancerRef("api", 1));

        assertThat(resolve(es, Map.of("api", selectorless)).reason()).isEqualTo("LoadBalancerNotSupported");
        assertThat(LoadBalancers.resolve(
                                es, n -> Optional.of(selectorless), n -> Optional.empty(), "cluster.local", true)
                        .resolved())
                .isTrue();
    }
}
