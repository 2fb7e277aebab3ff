package dev.privatelink.events;

import dev.privatelink.desired.EventNote;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/** Records Kubernetes Events on the objects a person looks at with kubectl describe. */
public final class EventRecorder {
    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";
    static final String COMPONENT = "kube-privatelink";
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);

    private final KubernetesClient client;
    private final Clock clock;

    public EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public void record(EventNote note) {
        record(note.regarding(), note.type().name(), note.reason(), note.message());
    }

    public void record(HasMetadata about, String type, String reason, String message) {
        String now = Instant.now(clock).toString();
        var event = new EventBuilder()
                .withNewMetadata()
                .withName(about.getMetadata().getName() + "."
                        + Long.toHexString(ThreadLocalRandom.current().nextLong())
                                .toLowerCase(Locale.ROOT))
                .withNamespace(about.getMetadata().getNamespace())
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(about.getApiVersion())
                        .withKind(about.getKind())
                        .withNamespace(about.getMetadata().getNamespace())
                        .withName(about.getMetadata().getName())
                        .withUid(about.getMetadata().getUid())
                        .build())
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withNewSource()
                .withComponent(COMPONENT)
                .endSource()
                .withReportingComponent(COMPONENT)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .build();
        try {
            client.v1().events().resource(event).create();
        } catch (KubernetesClientException e) {
            // An event is a courtesy; failing to record one must not fail the reconcile.
            LOG.warnf(
                    "could not record event %s on %s/%s: %s",
                    reason,
                    about.getMetadata().getNamespace(),
                    about.getMetadata().getName(),
                    e.getMessage());
        }
    }
}
