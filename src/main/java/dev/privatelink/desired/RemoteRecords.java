package dev.privatelink.desired;

import static dev.privatelink.api.ConditionTypes.READY;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.privatelink.api.Condition;
import dev.privatelink.api.ConditionTypes.Reasons;
import dev.privatelink.api.ConnectionState;
import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.api.InterfaceEndpointSpec;
import dev.privatelink.ids.Ids;
import dev.privatelink.peering.PeeringMessages.EndpointAnswer;
import dev.privatelink.peering.PeeringMessages.RequestedEndpoint;
import dev.privatelink.peering.PeeringMessages.Snapshot;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The provider side's record of a peer cluster's endpoints: one operator-owned InterfaceEndpoint
 * per remote endpoint, in the peer's own namespace {@code pl-peer-<peer>}, so that everything an
 * owner has for local connections (permissions, acceptance, decisions, quota, Events, the
 * connections in the EndpointService's status, an endpoint ID from a UID of this cluster) applies
 * unchanged. The consumer cluster owns the records' existence (its snapshot); this cluster owns
 * their state.
 */
public final class RemoteRecords {

    /** On a peer's namespace and on its records: the ClusterPeer's name. */
    public static final String PEER = "privatelink.dev/peer";
    /** On a record: the endpoint's namespace, name and UID in the consumer cluster. */
    public static final String REMOTE_NAMESPACE = "privatelink.dev/remote-namespace";

    public static final String REMOTE_NAME = "privatelink.dev/remote-name";
    public static final String REMOTE_UID = "privatelink.dev/remote-uid";
    /** On a record: the labels of the endpoint's namespace in the consumer cluster (JSON), as the peer states them. */
    public static final String REMOTE_NAMESPACE_LABELS = "privatelink.dev/remote-namespace-labels";

    static final String NAMESPACE_PREFIX = "pl-peer-";
    private static final int NAMESPACE_MAX = 63;
    private static final int NAME_MAX = 253;
    private static final ObjectMapper JSON = new ObjectMapper();

    private RemoteRecords() {}

    /**
     * One remote consumer endpoint: who it is in its own cluster.
     *
     * @param peer the ClusterPeer's name in this cluster
     */
    public record RemoteConsumer(String peer, String namespace, String name, Map<String, String> namespaceLabels) {
        /** How the owner names the connection, in status and in decisions. */
        public String key() {
            return peer + "/" + namespace + "/" + name;
        }
    }

    /** The namespace holding a peer's records: {@code pl-peer-<peer>}, shortened with a hash where too long. */
    public static String namespaceOf(String peer) {
        String name = NAMESPACE_PREFIX + peer;
        if (name.length() <= NAMESPACE_MAX && !peer.contains(".")) {
            return name;
        }
        // a ClusterPeer's name may hold dots, a namespace's may not: those are told apart by the hash
        name = name.replace('.', '-');
        String hash = Ids.shortHash(peer, 8);
        String stem = name.substring(0, Math.min(name.length(), NAMESPACE_MAX - hash.length() - 1))
                .replaceAll("-+$", "");
        return stem + "-" + hash;
    }

    public static Namespace namespace(String peer) {
        return new NamespaceBuilder()
                .withNewMetadata()
                .withName(namespaceOf(peer))
                .withLabels(Map.of(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE, PEER, peer))
                .endMetadata()
                .build();
    }

    /** The record's name: {@code <namespace>.<name>}, shortened with a hash where too long. */
    public static String recordName(String remoteNamespace, String remoteName) {
        String name = remoteNamespace + "." + remoteName;
        if (name.length() <= NAME_MAX) {
            return name;
        }
        String hash = Ids.shortHash(name, 10);
        return name.substring(0, NAME_MAX - hash.length() - 1).replaceAll("[-.]+$", "") + "-" + hash;
    }

    /** The remote consumer a record stands for; empty for an endpoint of this cluster. */
    public static Optional<RemoteConsumer> consumerOf(InterfaceEndpoint ep) {
        var meta = ep.getMetadata();
        String peer = meta.getLabels() == null ? null : meta.getLabels().get(PEER);
        Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
        // a label alone proves nothing: only a record in the peer's own namespace is one
        if (peer == null || !namespaceOf(peer).equals(meta.getNamespace())) {
            return Optional.empty();
        }
        String namespace = annotations.get(REMOTE_NAMESPACE);
        String name = annotations.get(REMOTE_NAME);
        if (namespace == null || name == null) {
            return Optional.empty();
        }
        return Optional.of(new RemoteConsumer(peer, namespace, name, labels(annotations.get(REMOTE_NAMESPACE_LABELS))));
    }

    /** Whether an endpoint is a peer's record (in a peer namespace, whatever its annotations say). */
    public static boolean isRecord(InterfaceEndpoint ep) {
        var labels = ep.getMetadata().getLabels();
        String peer = labels == null ? null : labels.get(PEER);
        return peer != null && namespaceOf(peer).equals(ep.getMetadata().getNamespace());
    }

    /** How the owner names an endpoint's connection: {@code namespace/name}, or {@code peer/namespace/name}. */
    public static String consumerKey(InterfaceEndpoint ep) {
        return consumerOf(ep)
                .map(RemoteConsumer::key)
                .orElseGet(() ->
                        ep.getMetadata().getNamespace() + "/" + ep.getMetadata().getName());
    }

    /** The record of one requested endpoint, as this cluster should hold it. */
    public static InterfaceEndpoint desired(String peer, RequestedEndpoint requested) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(REMOTE_NAMESPACE, requested.namespace());
        annotations.put(REMOTE_NAME, requested.name());
        annotations.put(REMOTE_UID, requested.uid());
        annotations.put(REMOTE_NAMESPACE_LABELS, json(requested.namespaceLabels()));
        InterfaceEndpointSpec spec = new InterfaceEndpointSpec();
        spec.setServiceName(requested.serviceName());
        spec.setPorts(requested.ports().isEmpty() ? null : requested.ports());
        InterfaceEndpoint record = new InterfaceEndpoint();
        record.setMetadata(new ObjectMetaBuilder()
                .withNamespace(namespaceOf(peer))
                .withName(recordName(requested.namespace(), requested.name()))
                .withLabels(Map.of(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE, PEER, peer))
                .withAnnotations(annotations)
                .build());
        record.setSpec(spec);
        return record;
    }

    /**
     * What to change so that the records match a peer's snapshot. A record whose remote UID
     * differs is replaced (the consumer recreated its endpoint: a new connection, a new ID), as is
     * one whose service changed (immutable); one whose ports changed is updated; records the
     * snapshot does not list are absent: the snapshot is the peer's whole list, but the caller
     * deletes them only once they stay absent (a peer's operator that just took over may send a
     * snapshot from a cache still filling).
     *
     * @param delete the records replaced by a new one (in {@code create})
     */
    public record Changes(
            List<InterfaceEndpoint> create,
            List<InterfaceEndpoint> update,
            List<InterfaceEndpoint> delete,
            List<InterfaceEndpoint> absent) {}

    public static Changes changes(String peer, Snapshot snapshot, List<InterfaceEndpoint> existing) {
        Map<String, InterfaceEndpoint> byName = existing.stream()
                .collect(Collectors.toMap(e -> e.getMetadata().getName(), Function.identity(), (a, b) -> a));
        List<InterfaceEndpoint> create = new ArrayList<>();
        List<InterfaceEndpoint> update = new ArrayList<>();
        List<InterfaceEndpoint> delete = new ArrayList<>();
        List<InterfaceEndpoint> absent = new ArrayList<>();
        Map<String, InterfaceEndpoint> wanted = new LinkedHashMap<>();
        for (RequestedEndpoint requested : snapshot.endpoints()) {
            InterfaceEndpoint record = desired(peer, requested);
            wanted.putIfAbsent(record.getMetadata().getName(), record);
        }
        for (InterfaceEndpoint record : wanted.values()) {
            InterfaceEndpoint current = byName.get(record.getMetadata().getName());
            if (current == null) {
                create.add(record);
            } else if (!sameConnection(current, record)) {
                delete.add(current);
                create.add(record);
            } else if (!Objects.equals(ports(current), ports(record))
                    || !Objects.equals(
                            annotation(current, REMOTE_NAMESPACE_LABELS),
                            annotation(record, REMOTE_NAMESPACE_LABELS))) {
                update.add(record);
            }
        }
        for (InterfaceEndpoint current : existing) {
            if (!wanted.containsKey(current.getMetadata().getName())) {
                absent.add(current);
            }
        }
        return new Changes(create, update, delete, absent);
    }

    private static boolean sameConnection(InterfaceEndpoint current, InterfaceEndpoint wanted) {
        return Objects.equals(annotation(current, REMOTE_UID), annotation(wanted, REMOTE_UID))
                && current.getSpec() != null
                && Objects.equals(
                        current.getSpec().getServiceName(), wanted.getSpec().getServiceName());
    }

    /** The provider's answer for one requested endpoint from its record; a record not yet reconciled is Pending. */
    public static EndpointAnswer answer(RequestedEndpoint requested, InterfaceEndpoint record) {
        var status = record.getStatus();
        String endpointId = Ids.endpointId(record.getMetadata().getUid());
        if (status == null || status.getState() == null) {
            return new EndpointAnswer(
                    requested.namespace(),
                    requested.name(),
                    requested.uid(),
                    endpointId,
                    ConnectionState.Pending,
                    Reasons.RECORDED_BY_PROVIDER,
                    "the provider cluster recorded the endpoint and has not decided yet",
                    List.of());
        }
        Optional<Condition> ready = status.condition(READY);
        return new EndpointAnswer(
                requested.namespace(),
                requested.name(),
                requested.uid(),
                endpointId,
                status.getState(),
                ready.map(Condition::getReason).orElse(null),
                ready.map(Condition::getMessage).orElse(null),
                status.getState().isConnected() && status.getPorts() != null ? status.getPorts() : List.of());
    }

    private static List<Integer> ports(InterfaceEndpoint ep) {
        return ep.getSpec() == null || ep.getSpec().getPorts() == null
                ? List.of()
                : ep.getSpec().getPorts();
    }

    private static String annotation(InterfaceEndpoint ep, String key) {
        var annotations = ep.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }

    private static String json(Map<String, String> labels) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(labels));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> labels(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, String> labels = JSON.readValue(json, new TypeReference<Map<String, String>>() {});
            return labels == null ? Map.of() : Map.copyOf(labels);
        } catch (JsonProcessingException | NullPointerException e) {
            return Map.of();
        }
    }
}
