package dev.privatelink.desired;

import static dev.privatelink.desired.PermissionsTest.permission;
import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.api.NamespaceSelector;
import dev.privatelink.api.PeerSelector;
import dev.privatelink.api.Principal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Principals of peer clusters: they grant a peer's namespaces, never this cluster's, and the converse. */
class PeerPermissionsTest {

    static final ConsumerIdentity LOCAL_SHOP = ConsumerIdentity.local("shop", Map.of("team", "shop"));
    static final ConsumerIdentity EU_SHOP =
            new ConsumerIdentity("shop-eu", Map.of("region", "eu"), "shop", Map.of("team", "shop"));
    static final ConsumerIdentity EU_OTHER = new ConsumerIdentity("shop-eu", Map.of("region", "eu"), "other", Map.of());
    static final ConsumerIdentity US_SHOP =
            new ConsumerIdentity("shop-us", Map.of("region", "us"), "shop", Map.of("team", "shop"));

    @Test
    void aLocalPrincipalGrantsNoPeerNamespaceOfTheSameName() {
        var perms = List.of(permission(false, Principal.namespace("shop")));
        assertThat(Permissions.evaluate(perms, LOCAL_SHOP).permitted()).isTrue();
        assertThat(Permissions.evaluate(perms, EU_SHOP).permitted()).isFalse();
    }

    @Test
    void aLocalWildcardOrSelectorGrantsNoPeer() {
        var perms = List.of(permission(
                false,
                Principal.namespace("*"),
                Principal.selector(NamespaceSelector.matchLabels(Map.of("team", "shop")))));
        assertThat(Permissions.evaluate(perms, EU_SHOP).permitted()).isFalse();
        assertThat(Permissions.evaluate(perms, LOCAL_SHOP).permitted()).isTrue();
    }

    @Test
    void aClusterAloneGrantsEveryNamespaceOfThatPeerAndNoOther() {
        var perms = List.of(permission(false, Principal.cluster("shop-eu")));
        assertThat(Permissions.evaluate(perms, EU_SHOP).permitted()).isTrue();
        assertThat(Permissions.evaluate(perms, EU_OTHER).permitted()).isTrue();
        assertThat(Permissions.evaluate(perms, US_SHOP).permitted()).isFalse();
        assertThat(Permissions.evaluate(perms, LOCAL_SHOP).permitted()).isFalse();
    }

    @Test
    void aClusterAndNamespaceGrantsThatNamespaceOfThatPeerOnly() {
        var perms = List.of(permission(true, Principal.cluster("shop-eu").inNamespace("shop")));
        assertThat(Permissions.evaluate(perms, EU_SHOP)).isEqualTo(Grant.AUTO_ACCEPT);
        assertThat(Permissions.evaluate(perms, EU_OTHER).permitted()).isFalse();
        assertThat(Permissions.evaluate(perms, US_SHOP).permitted()).isFalse();
    }

    @Test
    void aPeerNamespaceSelectorMatchesTheLabelsThePeerStated() {
        Principal principal = Principal.cluster("shop-eu");
        principal.setNamespaceSelector(NamespaceSelector.matchLabels(Map.of("team", "shop")));
        var perms = List.of(permission(false, principal));
        assertThat(Permissions.evaluate(perms, EU_SHOP).permitted()).isTrue();
        assertThat(Permissions.evaluate(perms, EU_OTHER).permitted()).isFalse();
    }

    @Test
    void aClusterSelectorMatchesTheClusterPeersLabels() {
        var perms = List.of(permission(false, Principal.clusters(PeerSelector.matchLabels(Map.of("region", "eu")))));
        assertThat(Permissions.evaluate(perms, EU_SHOP).permitted()).isTrue();
        assertThat(Permissions.evaluate(perms, US_SHOP).permitted()).isFalse();
        assertThat(Permissions.evaluate(perms, LOCAL_SHOP).permitted()).isFalse();
    }

    @Test
    void anEmptyClusterSelectorSelectsNoPeer() {
        var perms = List.of(permission(false, Principal.clusters(PeerSelector.matchLabels(Map.of()))));
        assertThat(Permissions.evaluate(perms, EU_SHOP).permitted()).isFalse();
    }

    @Test
    void peerPrincipalsRestrictNoServiceAccounts() {
        var perms = List.of(permission(false, Principal.cluster("shop-eu")));
        assertThat(Permissions.serviceAccounts(perms, EU_SHOP)).isEmpty();
    }
}
