package dev.privatelink.desired;

import static dev.privatelink.desired.PermissionsTest.permission;
import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.AllowedWorkloads;
import dev.privatelink.api.ConditionTypes.Reasons;
import dev.privatelink.api.InterfaceEndpointStatus;
import dev.privatelink.api.NamespaceSelector;
import dev.privatelink.api.PodSelector;
import dev.privatelink.api.Principal;
import dev.privatelink.api.SelectorRequirement;
import dev.privatelink.api.SelectorRequirement.Operator;
import dev.privatelink.api.WorkloadsInForce;
import dev.privatelink.forwarder.config.WorkloadAdmission;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Issue 8 item 2: the endpoint policy in force, the owner's restriction and their intersection. */
class WorkloadPoliciesTest {

    private static final Map<String, String> SHOP_LABELS = Map.of("team", "retail");

    // the owner's restriction: a union over the principals that grant the namespace

    @Test
    void aGrantingPrincipalWithServiceAccountsRestrictsToThem() {
        var perms = List.of(permission(false, Principal.namespace("shop").withServiceAccounts("checkout", "billing")));

        assertThat(Permissions.serviceAccounts(perms, "shop", SHOP_LABELS)).contains(Set.of("checkout", "billing"));
    }

    @Test
    void theRestrictionIsTheUnionOverEveryGrantingPrincipalOfEveryPermission() {
        var perms = List.of(
                permission(false, Principal.namespace("shop").withServiceAccounts("checkout")),
                permission(
                        false,
                        Principal.selector(NamespaceSelector.matchLabels(SHOP_LABELS))
                                .withServiceAccounts("billing"),
                        // does not grant shop: its ServiceAccounts count for nothing here
                        Principal.namespace("other").withServiceAccounts("intruder")));

        assertThat(Permissions.serviceAccounts(perms, "shop", SHOP_LABELS)).contains(Set.of("checkout", "billing"));
    }

    @Test
    void aGrantingPrincipalWithoutServiceAccountsLiftsTheRestriction() {
        var perms = List.of(
                permission(false, Principal.namespace("shop").withServiceAccounts("checkout")),
                permission(false, Principal.selector(NamespaceSelector.matchLabels(SHOP_LABELS))));

        assertThat(Permissions.serviceAccounts(perms, "shop", SHOP_LABELS)).isEmpty();
    }

    @Test
    void aPrincipalForEveryNamespaceNamesThoseServiceAccountsInEach() {
        var perms = List.of(permission(false, Principal.namespace("*").withServiceAccounts("checkout")));

        assertThat(Permissions.serviceAccounts(perms, "shop", Map.of())).contains(Set.of("checkout"));
        assertThat(Permissions.serviceAccounts(perms, "other", Map.of())).contains(Set.of("checkout"));
    }

    @Test
    void noGrantingPrincipalMeansNoRestriction() {
        // acceptance is sticky: a connection whose principal is gone keeps serving, unrestricted
        var perms = List.of(permission(false, Principal.namespace("other").withServiceAccounts("checkout")));

        assertThat(Permissions.serviceAccounts(perms, "shop", Map.of())).isEmpty();
    }

    // what is in force: the endpoint's policy intersected with the owner's restriction

    @Test
    void withoutPolicyOrRestrictionEveryPodIsAdmitted() {
        var inForce = WorkloadPolicies.of(null, Optional.empty());

        assertThat(inForce.status()).isNull();
        assertThat(inForce.admitted()).isTrue();
        assertThat(inForce.reason()).isEqualTo(Reasons.ALL_WORKLOADS);
        assertThat(WorkloadPolicies.admission(inForce.status())).isNull();
    }

    @Test
    void theEndpointsPolicyAloneIsInForce() {
        var policy = AllowedWorkloads.of(
                PodSelector.matchLabels(Map.of("app", "web"))
                        .withExpressions(new SelectorRequirement("tier", Operator.In, List.of("front"))),
                List.of("web", "api"));

        var inForce = WorkloadPolicies.of(policy, Optional.empty());

        assertThat(inForce.admitted()).isTrue();
        assertThat(inForce.reason()).isEqualTo(Reasons.WORKLOAD_POLICY);
        assertThat(inForce.status().getServiceAccounts()).containsExactly("api", "web");
        assertThat(inForce.status().getPodSelector().getMatchLabels()).isEqualTo(Map.of("app", "web"));
        assertThat(inForce.message())
                .isEqualTo("only pods of the namespace whose labels match spec.allowedWorkloads.podSelector and"
                        + " that run as ServiceAccounts api, web may use the endpoint");
        WorkloadAdmission admission = WorkloadPolicies.admission(inForce.status());
        assertThat(admission.admits(Map.of("app", "web", "tier", "front"), "web"))
                .isTrue();
        assertThat(admission.admits(Map.of("app", "web", "tier", "back"), "web"))
                .isFalse();
        assertThat(admission.admits(Map.of("app", "web", "tier", "front"), "default"))
                .isFalse();
    }

    @Test
    void theOwnersRestrictionAloneIsInForceAndSaid() {
        var inForce = WorkloadPolicies.of(null, Optional.of(Set.of("checkout")));

        assertThat(inForce.status()).isEqualTo(new WorkloadsInForce(null, List.of("checkout")));
        assertThat(inForce.message()).endsWith("(the owner's permission allows only ServiceAccount checkout)");
        assertThat(WorkloadPolicies.admission(inForce.status()).admits(Map.of(), "checkout"))
                .isTrue();
        assertThat(WorkloadPolicies.admission(inForce.status()).admits(Map.of(), "default"))
                .isFalse();
    }

    @Test
    void aPodSelectorAndTheOwnersServiceAccountsMustBothHold() {
        var policy = AllowedWorkloads.of(PodSelector.matchLabels(Map.of("app", "web")), null);

        var inForce = WorkloadPolicies.of(policy, Optional.of(Set.of("web")));

        WorkloadAdmission admission = WorkloadPolicies.admission(inForce.status());
        assertThat(admission.admits(Map.of("app", "web"), "web")).isTrue();
        assertThat(admission.admits(Map.of("app", "batch"), "web")).isFalse();
        assertThat(admission.admits(Map.of("app", "web"), "batch")).isFalse();
    }

    @Test
    void serviceAccountsOnBothSidesIntersect() {
        var policy = AllowedWorkloads.of(null, List.of("web", "api", "batch"));

        var inForce = WorkloadPolicies.of(policy, Optional.of(Set.of("api", "web", "admin")));

        assertThat(inForce.status().getServiceAccounts()).containsExactly("api", "web");
        assertThat(inForce.admitted()).isTrue();
    }

    @Test
    void anEmptyIntersectionAdmitsNobodyAndSaysWhy() {
        var policy = AllowedWorkloads.of(null, List.of("web"));

        var inForce = WorkloadPolicies.of(policy, Optional.of(Set.of("checkout")));

        assertThat(inForce.admitted()).isFalse();
        assertThat(inForce.reason()).isEqualTo(Reasons.NO_WORKLOAD_ADMITTED);
        assertThat(inForce.status().getServiceAccounts()).isEmpty();
        assertThat(inForce.message())
                .isEqualTo("the endpoint's serviceAccounts [web] and those the owner's permission allows [checkout]"
                        + " have none in common: no pod may use the endpoint; its forwarder refuses every"
                        + " connection");
        assertThat(inForce.condition(3L).getStatus()).isEqualTo("False");
        // the forwarder's form admits nobody, not everybody
        WorkloadAdmission admission = WorkloadPolicies.admission(inForce.status());
        assertThat(admission).isNotNull();
        assertThat(admission.admits(Map.of(), "web")).isFalse();
        assertThat(admission.admits(Map.of(), "checkout")).isFalse();
    }

    @Test
    void aRouteAdmitsNobodyWhileTheConditionSaysSoWhateverTheListBecame() {
        var inForce = WorkloadPolicies.of(
                AllowedWorkloads.of(PodSelector.matchLabels(Map.of("app", "web")), List.of("web")),
                Optional.of(Set.of("checkout")));
        var status = new InterfaceEndpointStatus();
        status.setConditions(List.of(inForce.condition(1L)));
        // a status patch that lost the empty list of ServiceAccounts leaves only the selector
        status.setAllowedWorkloads(new WorkloadsInForce(inForce.status().getPodSelector(), null));

        assertThat(WorkloadPolicies.admission(status)).isEqualTo(WorkloadAdmission.NOBODY);
    }

    @Test
    void anOwnerNamingMoreServiceAccountsThanAForwarderCarriesAdmitsNobodyUntilTheEndpointNarrowsIt() {
        Set<String> many = new TreeSet<>();
        for (int i = 0; i < 17; i++) {
            many.add("sa-" + i);
        }

        var unbounded = WorkloadPolicies.of(null, Optional.of(many));
        var narrowed = WorkloadPolicies.of(AllowedWorkloads.of(null, List.of("sa-3")), Optional.of(many));

        assertThat(unbounded.admitted()).isFalse();
        assertThat(unbounded.message()).startsWith("the owner's permissions name 17 ServiceAccounts");
        assertThat(narrowed.admitted()).isTrue();
        assertThat(narrowed.status().getServiceAccounts()).containsExactly("sa-3");
    }

    @Test
    void aBrokenPodSelectorAdmitsNobody() {
        // stored under a CRD newer than the operator: an operator it does not know reads as null
        var policy = AllowedWorkloads.of(
                new PodSelector().withExpressions(new SelectorRequirement("tier", null, List.of("x"))), null);

        var inForce = WorkloadPolicies.of(policy, Optional.empty());

        assertThat(inForce.admitted()).isFalse();
        assertThat(inForce.message()).startsWith("spec.allowedWorkloads.podSelector.matchExpressions[0].operator");
        assertThat(WorkloadPolicies.admission(inForce.status()).admits(Map.of("tier", "x"), "default"))
                .isFalse();
    }

    @Test
    void anEmptyPodSelectorMatchesEveryPod() {
        var inForce = WorkloadPolicies.of(AllowedWorkloads.of(new PodSelector(), null), Optional.empty());

        assertThat(inForce.admitted()).isTrue();
        assertThat(WorkloadPolicies.admission(inForce.status()).admits(Map.of(), "default"))
                .isTrue();
    }

    @Test
    void aStatusWithAnOperatorTheOperatorDoesNotKnowAdmitsNobody() {
        var status = new WorkloadsInForce(
                new LabelSelectorBuilder()
                        .addNewMatchExpression()
                        .withKey("tier")
                        .withOperator("Gt")
                        .withValues("1")
                        .endMatchExpression()
                        .build(),
                null);

        assertThat(WorkloadPolicies.admission(status)).isEqualTo(WorkloadAdmission.NOBODY);
    }
}
