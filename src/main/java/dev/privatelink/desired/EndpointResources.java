package dev.privatelink.desired;

import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.InterfaceEndpoint;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The consumer-side objects of one endpoint: a selector-less Service per DNS name (the regional
 * one named after the endpoint, one per zone) and the EndpointSlices that point them at the
 * forwarder pods of the consumer's namespace.
 */
public final class EndpointResources {
    private EndpointResources() {}

    /**
     * @param ports       the endpoint's ports, ascending
     * @param listenPorts for each endpoint port, the port its forwarder listens on (absent until allocated)
     * @param pods        the forwarder pods serving the endpoint's namespace
     */
    /**
     * @param servedZones the zones the endpoint has a zonal Service for already: it stays (with no
     *                    addresses) while its zone has no forwarder pod, so that its name and
     *                    address do not change when the zone's only pod is replaced
     */
    public static EndpointObjects desired(
            InterfaceEndpoint ep,
            String endpointId,
            ConnectionState state,
            List<Integer> ports,
            Map<Integer, Integer> listenPorts,
            List<ForwarderPod> pods,
            Set<String> servedZones) {
        if (state == null || !state.isConnected()) {
            return EndpointObjects.NONE;
        }
        List<String> wantedZones = ep.getSpec().getZones();
        List<ForwarderPod> eligible = pods.stream()
                .filter(p -> wantedZones == null || wantedZones.isEmpty() || wantedZones.contains(p.zone()))
                .sorted(Comparator.comparing(ForwarderPod::name))
                .toList();
        // Only an Available endpoint has addresses: a suspended one refuses at the Service itself.
        List<ForwarderPod> serving = state == ConnectionState.Available ? eligible : List.of();

        List<Service> services = new ArrayList<>();
        List<EndpointSlice> slices = new ArrayList<>();
        String name = ep.getMetadata().getName();
        services.add(service(ep, endpointId, name, null, ports));
        slices.addAll(slices(ep, endpointId, name, null, ports, listenPorts, serving));
        for (String zone : zones(wantedZones, eligible, servedZones)) {
            String zonal = Names.zonalService(name, zone);
            services.add(service(ep, endpointId, zonal, zone, ports));
            List<ForwarderPod> inZone =
                    serving.stream().filter(p -> zone.equals(p.zone())).toList();
            slices.addAll(slices(ep, endpointId, zonal, zone, ports, listenPorts, inZone));
        }
        return new EndpointObjects(services, slices);
    }

    /** The endpoint's DNS names: regional first, then one per zone. */
    public static List<String> dnsNames(EndpointObjects objects) {
        return objects.services().stream()
                .map(s -> s.getMetadata().getName() + "." + s.getMetadata().getNamespace() + ".svc")
                .toList();
    }

    /** Per endpoint port, the listener port the endpoint's slices point at (from their port names). */
    public static Map<Integer, Integer> servedListenPorts(List<EndpointSlice> slices, String serviceName) {
        Map<Integer, Integer> ports = new TreeMap<>();
        for (EndpointSlice slice : slices) {
            var labels = slice.getMetadata().getLabels();
            if (labels == null
                    || !serviceName.equals(labels.get(Labels.SLICE_SERVICE_NAME))
                    || slice.getPorts() == null) {
                continue;
            }
            for (EndpointPort port : slice.getPorts()) {
                String name = port.getName();
                if (name != null && name.startsWith(PORT_NAME_PREFIX) && port.getPort() != null) {
                    try {
                        ports.put(Integer.parseInt(name.substring(PORT_NAME_PREFIX.length())), port.getPort());
                    } catch (NumberFormatException e) {
                        // not a port name the operator wrote: skip it
                    }
                }
            }
        }
        return ports;
    }

    private static final String PORT_NAME_PREFIX = "tcp-";

    /** The zones the endpoint's current zonal Services serve (from their zone label). */
    public static Set<String> servedZones(Collection<Service> services) {
        Set<String> zones = new TreeSet<>();
        for (Service service : services) {
            var labels = service.getMetadata().getLabels();
            String zone = labels == null ? null : labels.get(Labels.ZONE);
            if (zone != null && !zone.isEmpty()) {
                zones.add(zone);
            }
        }
        return zones;
    }

    static String portName(int port) {
        return PORT_NAME_PREFIX + port;
    }

    private static Set<String> zones(List<String> wanted, List<ForwarderPod> pods, Set<String> served) {
        Set<String> zones = new TreeSet<>();
        if (wanted != null && !wanted.isEmpty()) {
            zones.addAll(wanted);
        } else {
            zones.addAll(served);
            pods.stream()
                    .map(ForwarderPod::zone)
                    .filter(z -> z != null && !z.isEmpty())
                    .forEach(zones::add);
        }
        return zones;
    }

    private static Service service(
            InterfaceEndpoint ep, String endpointId, String name, String zone, List<Integer> ports) {
        List<ServicePort> servicePorts = ports.stream()
                .map(p -> new ServicePortBuilder()
                        .withName(portName(p))
                        .withProtocol("TCP")
                        .withPort(p)
                        .build())
                .toList();
        return new ServiceBuilder()
                .withMetadata(meta(ep, endpointId, name, zone, Map.of()))
                .withNewSpec()
                .withType("ClusterIP")
                .withPorts(servicePorts)
                .endSpec()
                .build();
    }

    private static List<EndpointSlice> slices(
            InterfaceEndpoint ep,
            String endpointId,
            String serviceName,
            String zone,
            List<Integer> ports,
            Map<Integer, Integer> listenPorts,
            List<ForwarderPod> pods) {
        List<EndpointPort> slicePorts = ports.stream()
                .filter(listenPorts::containsKey)
                .map(p -> new EndpointPortBuilder()
                        .withName(portName(p))
                        .withProtocol("TCP")
                        .withPort(listenPorts.get(p))
                        .build())
                .toList();
        // Without a listener port the forwarder cannot take the traffic yet: no addresses.
        List<ForwarderPod> usable = slicePorts.isEmpty() ? List.of() : pods;
        Map<String, List<ForwarderPod>> byFamily = new LinkedHashMap<>();
        byFamily.put("IPv4", new ArrayList<>());
        for (ForwarderPod pod : usable) {
            byFamily.computeIfAbsent(pod.ipv6() ? "IPv6" : "IPv4", f -> new ArrayList<>())
                    .add(pod);
        }
        List<EndpointSlice> slices = new ArrayList<>();
        byFamily.forEach((family, familyPods) -> slices.add(new EndpointSliceBuilder()
                .withMetadata(meta(
                        ep,
                        endpointId,
                        Names.slice(serviceName, family.toLowerCase()),
                        zone,
                        new TreeMap<>(Map.of(
                                Labels.SLICE_SERVICE_NAME,
                                serviceName,
                                Labels.SLICE_MANAGED_BY,
                                Labels.SLICE_MANAGED_BY_VALUE))))
                .withAddressType(family)
                .withPorts(slicePorts)
                .withEndpoints(
                        familyPods.stream().map(EndpointResources::endpoint).toList())
                .build()));
        return slices;
    }

    private static Endpoint endpoint(ForwarderPod pod) {
        EndpointBuilder b = new EndpointBuilder()
                .withAddresses(pod.ip())
                .withNewConditions()
                .withReady(pod.ready() && !pod.terminating())
                .withServing(pod.ready())
                .withTerminating(pod.terminating())
                .endConditions()
                .withNewTargetRef()
                .withKind("Pod")
                .withNamespace(pod.namespace())
                .withName(pod.name())
                .endTargetRef();
        if (pod.nodeName() != null) {
            b.withNodeName(pod.nodeName());
        }
        if (pod.zone() != null && !pod.zone().isEmpty()) {
            b.withZone(pod.zone()).withNewHints().addNewForZone(pod.zone()).endHints();
        }
        return b.build();
    }

    private static ObjectMeta meta(
            InterfaceEndpoint ep, String endpointId, String name, String zone, Map<String, String> extraLabels) {
        Map<String, String> labels = new LinkedHashMap<>(Labels.managed(Labels.COMPONENT_ENDPOINT));
        labels.put(Labels.ENDPOINT, ep.getMetadata().getName());
        labels.put(Labels.ENDPOINT_ID, endpointId);
        if (zone != null) {
            // zone names come from node labels, so they are valid label values as they are
            labels.put(Labels.ZONE, zone);
        }
        labels.putAll(extraLabels);
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(ep.getMetadata().getNamespace())
                .withLabels(labels)
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(ep.getApiVersion())
                        .withKind(ep.getKind())
                        .withName(ep.getMetadata().getName())
                        .withUid(ep.getMetadata().getUid())
                        .withController(true)
                        .withBlockOwnerDeletion(true)
                        .build())
                .build();
    }
}
