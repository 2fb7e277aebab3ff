package dev.privatelink.operator;

import dev.privatelink.api.InterfaceEndpoint;
import dev.privatelink.desired.RemoteRecords;
import dev.privatelink.peering.PeeringException;
import dev.privatelink.peering.PeeringMessages.Answer;
import dev.privatelink.peering.PeeringMessages.EndpointAnswer;
import dev.privatelink.peering.PeeringMessages.RequestedEndpoint;
import dev.privatelink.peering.PeeringMessages.Snapshot;
import dev.privatelink.peering.PeeringService;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The provider side of the peering API: keeps a peer's records (see {@link RemoteRecords}) equal
 * to its snapshot and answers with their state. The records' reconciles do the deciding; this only
 * writes what the peer stated and reads back what was decided.
 */
public final class PeerEndpointRecords implements PeeringService {

    private static final Logger LOG = Logger.getLogger(PeerEndpointRecords.class);
    /** More than any namespace quota allows; a peer sending more is refused whole. */
    static final int MAX_ENDPOINTS = 10_000;

    /** How long a record must stay out of a peer's snapshots before it goes. */
    static final Duration ABSENCE_GRACE = Duration.ofSeconds(20);

    private final KubernetesClient client;
    private final PeerContacts contacts;
    private final Clock clock;
    private final Absences absences = new Absences(ABSENCE_GRACE);

    public PeerEndpointRecords(KubernetesClient client, PeerContacts contacts, Clock clock) {
        this.client = client;
        this.contacts = contacts;
        this.clock = clock;
    }

    @Override
    public Answer sync(String peer, Snapshot snapshot) throws PeeringException {
        if (snapshot.endpoints().size() > MAX_ENDPOINTS) {
            throw new PeeringException(
                    "snapshot of " + snapshot.endpoints().size() + " endpoints is over the limit of " + MAX_ENDPOINTS);
        }
        String namespace = RemoteRecords.namespaceOf(peer);
        try {
            ensureNamespace(peer);
            var records = client.resources(InterfaceEndpoint.class).inNamespace(namespace);
            RemoteRecords.Changes changes = RemoteRecords.changes(
                    peer,
                    snapshot,
                    records.withLabel(RemoteRecords.PEER, peer).list().getItems());
            for (InterfaceEndpoint replaced : changes.delete()) {
                records.withName(replaced.getMetadata().getName()).delete();
            }
            for (InterfaceEndpoint gone : absences.stillAbsent(peer, changes.absent(), clock.instant())) {
                records.withName(gone.getMetadata().getName()).delete();
            }
            for (InterfaceEndpoint record : changes.create()) {
                write(() -> records.resource(record).create(), record);
            }
            for (InterfaceEndpoint record : changes.update()) {
                write(
                        () -> records.withName(record.getMetadata().getName()).edit(current -> {
                            current.getMetadata()
                                    .getAnnotations()
                                    .putAll(record.getMetadata().getAnnotations());
                            current.getSpec().setPorts(record.getSpec().getPorts());
                            return current;
                        }),
                        record);
            }
            Map<String, InterfaceEndpoint> now = records.withLabel(RemoteRecords.PEER, peer).list().getItems().stream()
                    .collect(Collectors.toMap(r -> r.getMetadata().getName(), Function.identity(), (a, b) -> a));
            List<EndpointAnswer> answers = new ArrayList<>();
            for (RequestedEndpoint requested : snapshot.endpoints()) {
                InterfaceEndpoint record = now.get(RemoteRecords.recordName(requested.namespace(), requested.name()));
                if (record != null) {
                    answers.add(RemoteRecords.answer(requested, record));
                }
            }
            contacts.succeeded(peer, clock.instant());
            return new Answer(answers);
        } catch (KubernetesClientException e) {
            throw new PeeringException("the provider's API server: " + e.getMessage(), e);
        }
    }

    /**
     * Records a peer's snapshots left out, and since when. A record goes once it has been left
     * out for the grace period: a snapshot from a consumer operator that just took over, its
     * cache still filling, must not delete connections (a record recreated later is a new
     * connection with a new endpoint ID, and the gateway would cut the old one).
     */
    static final class Absences {
        private final Duration grace;
        private final Map<String, Instant> since = new ConcurrentHashMap<>();

        Absences(Duration grace) {
            this.grace = grace;
        }

        List<InterfaceEndpoint> stillAbsent(String peer, List<InterfaceEndpoint> absent, Instant now) {
            Set<String> keys = new HashSet<>();
            List<InterfaceEndpoint> due = new ArrayList<>();
            for (InterfaceEndpoint record : absent) {
                String key = peer + "/" + record.getMetadata().getUid();
                keys.add(key);
                Instant first = since.computeIfAbsent(key, k -> now);
                if (!now.isBefore(first.plus(grace))) {
                    due.add(record);
                }
            }
            // back in a snapshot, or gone: forget
            since.keySet().removeIf(k -> k.startsWith(peer + "/") && !keys.contains(k));
            return due;
        }
    }

    private void ensureNamespace(String peer) {
        if (client.namespaces().withName(RemoteRecords.namespaceOf(peer)).get() != null) {
            return;
        }
        try {
            client.namespaces().resource(RemoteRecords.namespace(peer)).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /** One record that the API server refuses (the peer stated a name it cannot hold) does not stop the others. */
    private static void write(Runnable write, InterfaceEndpoint record) {
        try {
            write.run();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409 || e.getCode() == 422 || e.getCode() == 400) {
                LOG.warnf(
                        "record %s/%s of a peer's endpoint refused (%d): %s",
                        record.getMetadata().getNamespace(),
                        record.getMetadata().getName(),
                        e.getCode(),
                        e.getMessage());
                return;
            }
            throw e;
        }
    }
}
