package dev.privatelink.operator;

import dev.privatelink.api.ConditionTypes.Reasons;
import dev.privatelink.config.OperatorSettings;
import dev.privatelink.desired.Certificates;
import dev.privatelink.desired.Certificates.Authority;
import dev.privatelink.pki.CertificateAuthority;
import dev.privatelink.pki.Credential;
import dev.privatelink.pki.LocalTrust;
import dev.privatelink.pki.SpiffeId;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * This cluster's trust domain as the operator holds it: the CA lives in the Secret
 * {@value Certificates#CA_SECRET} of the operator's namespace, created once (two replicas racing
 * both read the winner's), its intermediate rotated with a third of its life left while the root
 * stays. Every replica reads the same Secret, so all issue under the same root.
 *
 * <p>The operator's {@link LocalTrust}: a plain application-scoped bean, so that it wins over any
 * default (in-memory) one.
 */
@ApplicationScoped
public class ClusterTrust implements LocalTrust {

    private static final Logger LOG = Logger.getLogger(ClusterTrust.class);

    /** Why the operator cannot issue: a reason for the CertificatesReady condition and a message. */
    public static final class Blocked extends RuntimeException {
        private final String reason;

        Blocked(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        Blocked(String reason, String message, Throwable cause) {
            super(message, cause);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    public static final String REASON_TRUST_DOMAIN_INVALID = "TrustDomainInvalid";

    private final KubernetesClient client;
    private final OperatorSettings settings;
    private final Clock clock;
    private final Map<SpiffeId, Credential> issued = new ConcurrentHashMap<>();
    private volatile String trustDomain;
    private volatile Authority.Usable authority;

    @Inject
    public ClusterTrust(KubernetesClient client, OperatorSettings settings) {
        this(client, settings, Clock.systemUTC());
    }

    public ClusterTrust(KubernetesClient client, OperatorSettings settings, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.clock = clock;
    }

    Clock clock() {
        return clock;
    }

    /** The trust domain setting, or one derived from the kube-system namespace's UID when unset. */
    @Override
    public String trustDomain() {
        String known = trustDomain;
        if (known != null) {
            return known;
        }
        String chosen = settings.trustDomain()
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .orElseGet(() -> {
                    Namespace kubeSystem;
                    try {
                        kubeSystem = client.namespaces().withName("kube-system").get();
                    } catch (KubernetesClientException e) {
                        throw new Blocked(
                                REASON_TRUST_DOMAIN_INVALID,
                                "no trustDomain is set and the kube-system namespace cannot be read to derive one ("
                                        + e.getMessage() + ")",
                                e);
                    }
                    if (kubeSystem == null || kubeSystem.getMetadata().getUid() == null) {
                        throw new Blocked(
                                REASON_TRUST_DOMAIN_INVALID,
                                "no trustDomain is set and there is no kube-system namespace to derive one from: set"
                                        + " trustDomain (PRIVATELINK_TRUST_DOMAIN)");
                    }
                    return Certificates.defaultTrustDomain(
                            kubeSystem.getMetadata().getUid());
                });
        if (!SpiffeId.isTrustDomain(chosen)) {
            throw new Blocked(
                    REASON_TRUST_DOMAIN_INVALID,
                    "trustDomain " + chosen + " is not a trust domain: lowercase letters, digits, '.', '-' and '_'"
                            + " only (PRIVATELINK_TRUST_DOMAIN)");
        }
        trustDomain = chosen;
        return chosen;
    }

    @Override
    public List<X509Certificate> roots() {
        return List.of(current().root().certificate());
    }

    /**
     * A credential for {@code id}, issued by the current intermediate and kept while it has more
     * than a third of its life left and that intermediate is still the current one.
     */
    @Override
    public Credential credentialFor(SpiffeId id) {
        if (!id.trustDomain().equals(trustDomain())) {
            throw new IllegalArgumentException(id + " is not of trust domain " + trustDomain());
        }
        CertificateAuthority intermediate = current().intermediate();
        return issued.compute(
                id,
                (k, held) -> held == null
                                || Certificates.due(held.certificate(), clock.instant())
                                || !held.chain().get(1).equals(intermediate.certificate())
                        ? intermediate.issue(k, Certificates.LEAF_VALIDITY)
                        : held);
    }

    /** The CA as last read, reading (and creating) it if this replica has not yet. */
    Authority.Usable current() {
        Authority.Usable known = authority;
        return known != null ? known : refresh();
    }

    /**
     * Reads the CA Secret: creates it when absent, replaces a due intermediate (same root), and
     * otherwise takes it as it is. When another replica wrote first, takes the winner's.
     *
     * @throws Blocked when the Secret cannot be read or written, or holds nothing usable
     */
    synchronized Authority.Usable refresh() {
        String td = trustDomain();
        String namespace = settings.namespace();
        for (int attempt = 0; attempt < 3; attempt++) {
            Secret secret = read(namespace);
            Authority judged = Certificates.authority(Certificates.decoded(secret), td, clock);
            if (judged instanceof Authority.Unusable u) {
                throw new Blocked(u.reason(), u.message());
            }
            try {
                Authority.Usable usable;
                if (judged instanceof Authority.Usable u) {
                    usable = u.rotate() ? rotate(secret, Certificates.rotated(u)) : u;
                } else {
                    usable = create(namespace, Certificates.newAuthority(td, clock));
                }
                authority = usable;
                return usable;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw new Blocked(
                            Reasons.CERTIFICATE_WRITE_REFUSED,
                            "the API server refused to write Secret " + Certificates.CA_SECRET + " in namespace "
                                    + namespace + " (" + ForwarderReconciler.describe(e) + "): the operator needs"
                                    + " create and update on it",
                            e);
                }
                // another replica created or rotated it first: read theirs
            }
        }
        throw new Blocked(
                Reasons.CERTIFICATE_WRITE_REFUSED,
                "Secret " + Certificates.CA_SECRET + " keeps changing under the operator; trying again later");
    }

    private Secret read(String namespace) {
        try {
            return client.secrets()
                    .inNamespace(namespace)
                    .withName(Certificates.CA_SECRET)
                    .get();
        } catch (KubernetesClientException e) {
            throw new Blocked(
                    Certificates.REASON_CA_UNREADABLE,
                    "the operator cannot read Secret " + Certificates.CA_SECRET + " in namespace " + namespace + " ("
                            + ForwarderReconciler.describe(e) + "): it needs get on it",
                    e);
        }
    }

    private Authority.Usable create(String namespace, Authority.Usable fresh) {
        client.secrets()
                .inNamespace(namespace)
                .resource(Certificates.authoritySecret(namespace, Certificates.authorityData(fresh)))
                .create();
        LOG.infof(
                "created the CA of trust domain %s in Secret %s/%s (back it up: peers trust its root)",
                fresh.root().trustDomain(), namespace, Certificates.CA_SECRET);
        return fresh;
    }

    private Authority.Usable rotate(Secret current, Authority.Usable rotated) {
        Secret desired =
                Certificates.authoritySecret(current.getMetadata().getNamespace(), Certificates.authorityData(rotated));
        desired.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
        desired.getMetadata().setLabels(current.getMetadata().getLabels());
        desired.getMetadata().setAnnotations(current.getMetadata().getAnnotations());
        // optimistic: fails with 409 when another replica rotated it first
        client.secrets()
                .inNamespace(current.getMetadata().getNamespace())
                .resource(desired)
                .update();
        LOG.infof(
                "rotated the intermediate CA of trust domain %s (expires %s)",
                rotated.root().trustDomain(),
                rotated.intermediate().certificate().getNotAfter().toInstant());
        return rotated;
    }
}
