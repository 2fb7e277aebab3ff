package dev.privatelink.desired;

import dev.privatelink.api.Principal;
import dev.privatelink.api.ServicePermission;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Whether the permissions of one endpoint service grant a consumer namespace, and how. */
public final class Permissions {
    private Permissions() {}

    public static Grant evaluate(
            Collection<ServicePermission> permissions, String consumerNamespace, Map<String, String> namespaceLabels) {
        return evaluate(permissions, ConsumerIdentity.local(consumerNamespace, namespaceLabels));
    }

    public static Grant evaluate(Collection<ServicePermission> permissions, ConsumerIdentity consumer) {
        boolean permitted = false;
        boolean autoAccept = false;
        for (ServicePermission permission : permissions) {
            if (permission.getSpec() == null || permission.getSpec().getPrincipals() == null) {
                continue;
            }
            boolean grants = permission.getSpec().getPrincipals().stream().anyMatch(p -> grants(p, consumer));
            if (grants) {
                permitted = true;
                autoAccept |= permission.getSpec().autoAccept();
            }
        }
        return !permitted ? Grant.NONE : autoAccept ? Grant.AUTO_ACCEPT : Grant.MANUAL_ACCEPTANCE;
    }

    /**
     * The ServiceAccounts of the consumer namespace the owner restricts its endpoints to: the
     * union over every principal (of every permission of the service) that grants the namespace.
     * Empty when any granting principal names no ServiceAccounts (it grants every workload), and
     * when none grants it: an accepted connection outlives its principal (acceptance is sticky),
     * and so does no restriction of the principal that is gone.
     */
    public static Optional<Set<String>> serviceAccounts(
            Collection<ServicePermission> permissions, String consumerNamespace, Map<String, String> namespaceLabels) {
        return serviceAccounts(permissions, ConsumerIdentity.local(consumerNamespace, namespaceLabels));
    }

    public static Optional<Set<String>> serviceAccounts(
            Collection<ServicePermission> permissions, ConsumerIdentity consumer) {
        Set<String> union = new TreeSet<>();
        for (ServicePermission permission : permissions) {
            if (permission.getSpec() == null || permission.getSpec().getPrincipals() == null) {
                continue;
            }
            for (Principal p : permission.getSpec().getPrincipals()) {
                if (!grants(p, consumer)) {
                    continue;
                }
                if (p.getServiceAccounts() == null || p.getServiceAccounts().isEmpty()) {
                    return Optional.empty();
                }
                p.getServiceAccounts().stream().filter(sa -> sa != null).forEach(union::add);
            }
        }
        return union.isEmpty() ? Optional.empty() : Optional.of(Set.copyOf(union));
    }

    /**
     * Whether one principal grants the consumer. A principal without a cluster part grants only
     * this cluster's namespaces; one with a cluster part grants only that peer's (all of them when
     * it has no namespace part).
     */
    static boolean grants(Principal principal, ConsumerIdentity consumer) {
        if (principal == null) {
            return false;
        }
        if (!principal.namesPeers()) {
            return consumer.isLocal() && grantsNamespace(principal, consumer, false);
        }
        if (consumer.isLocal()) {
            return false;
        }
        boolean peerMatches = principal.getCluster() != null
                ? principal.getCluster().equals(consumer.peer())
                : principal.getClusterSelector().matches(consumer.peerLabels());
        return peerMatches && grantsNamespace(principal, consumer, true);
    }

    private static boolean grantsNamespace(Principal principal, ConsumerIdentity consumer, boolean absentMeansAll) {
        if (principal.getNamespace() != null) {
            return "*".equals(principal.getNamespace())
                    || principal.getNamespace().equals(consumer.namespace());
        }
        if (principal.getNamespaceSelector() != null) {
            return LabelSelectors.matches(principal.getNamespaceSelector(), consumer.namespaceLabels());
        }
        return absentMeansAll;
    }
}
