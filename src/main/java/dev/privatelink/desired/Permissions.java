package dev.privatelink.desired;

import dev.privatelink.api.Principal;
import dev.privatelink.api.ServicePermission;
import java.util.Collection;
import java.util.Map;

/** Whether the permissions of one endpoint service grant a consumer namespace, and how. */
public final class Permissions {
    private Permissions() {}

    public static Grant evaluate(
            Collection<ServicePermission> permissions, String consumerNamespace, Map<String, String> namespaceLabels) {
        boolean permitted = false;
        boolean autoAccept = false;
        for (ServicePermission permission : permissions) {
            if (permission.getSpec() == null || permission.getSpec().getPrincipals() == null) {
                continue;
            }
            boolean grants = permission.getSpec().getPrincipals().stream()
                    .anyMatch(p -> grants(p, consumerNamespace, namespaceLabels));
            if (grants) {
                permitted = true;
                autoAccept |= permission.getSpec().autoAccept();
            }
        }
        return !permitted ? Grant.NONE : autoAccept ? Grant.AUTO_ACCEPT : Grant.MANUAL_ACCEPTANCE;
    }

    static boolean grants(Principal principal, String namespace, Map<String, String> labels) {
        if (principal == null) {
            return false;
        }
        if (principal.getNamespace() != null) {
            return "*".equals(principal.getNamespace())
                    || principal.getNamespace().equals(namespace);
        }
        return LabelSelectors.matches(principal.getNamespaceSelector(), labels);
    }
}
