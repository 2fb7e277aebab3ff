package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.NamespaceSelector;
import dev.privatelink.api.Principal;
import dev.privatelink.api.SelectorRequirement;
import dev.privatelink.api.SelectorRequirement.Operator;
import dev.privatelink.api.ServicePermission;
import dev.privatelink.api.ServicePermissionSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PermissionsTest {

    static ServicePermission permission(boolean autoAccept, Principal... principals) {
        ServicePermissionSpec spec = new ServicePermissionSpec();
        spec.setEndpointService("api");
        spec.setAutoAccept(autoAccept);
        spec.setPrincipals(List.of(principals));
        ServicePermission p = new ServicePermission();
        p.setSpec(spec);
        return p;
    }

    @Test
    void namespaceByNameGrantsOnlyThatNamespace() {
        var perms = List.of(permission(false, Principal.namespace("shop")));
        assertThat(Permissions.evaluate(perms, "shop", Map.of()).permitted()).isTrue();
        assertThat(Permissions.evaluate(perms, "other", Map.of()).permitted()).isFalse();
    }

    @Test
    void starGrantsEveryNamespace() {
        assertThat(Permissions.evaluate(List.of(permission(false, Principal.namespace("*"))), "any", Map.of())
                        .permitted())
                .isTrue();
    }

    @Test
    void noPermissionMeansPrivate() {
        assertThat(Permissions.evaluate(List.of(), "shop", Map.of())).isEqualTo(Grant.NONE);
    }

    @Test
    void autoAcceptComesFromAPermissionThatGrants() {
        var perms =
                List.of(permission(false, Principal.namespace("shop")), permission(true, Principal.namespace("other")));
        assertThat(Permissions.evaluate(perms, "shop", Map.of())).isEqualTo(Grant.MANUAL_ACCEPTANCE);
        assertThat(Permissions.evaluate(perms, "other", Map.of())).isEqualTo(Grant.AUTO_ACCEPT);
    }

    @Test
    void selectorMatchesLabelsAndExpressions() {
        var selector = NamespaceSelector.matchLabels(Map.of("team", "retail"))
                .withExpressions(
                        new SelectorRequirement("env", Operator.In, List.of("prod", "staging")),
                        new SelectorRequirement("frozen", Operator.DoesNotExist, null));
        var perms = List.of(permission(false, Principal.selector(selector)));
        assertThat(Permissions.evaluate(perms, "a", Map.of("team", "retail", "env", "prod"))
                        .permitted())
                .isTrue();
        assertThat(Permissions.evaluate(perms, "a", Map.of("team", "retail", "env", "dev"))
                        .permitted())
                .isFalse();
        assertThat(Permissions.evaluate(perms, "a", Map.of("team", "retail", "env", "prod", "frozen", "y"))
                        .permitted())
                .isFalse();
    }

    @Test
    void notInAndExistsFollowKubernetes() {
        var notIn =
                new NamespaceSelector().withExpressions(new SelectorRequirement("env", Operator.NotIn, List.of("dev")));
        var exists = new NamespaceSelector().withExpressions(new SelectorRequirement("env", Operator.Exists, null));
        assertThat(LabelSelectors.matches(notIn, Map.of())).isTrue();
        assertThat(LabelSelectors.matches(notIn, Map.of("env", "dev"))).isFalse();
        assertThat(LabelSelectors.matches(exists, Map.of())).isFalse();
        assertThat(LabelSelectors.matches(new NamespaceSelector(), Map.of())).isTrue();
    }
}
