package dev.privatelink.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeldCredentialsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T12:00:00Z"));
    private final CertificateAuthority west = CertificateAuthority.newRoot(
                    "west", clock, CertificateAuthority.ROOT_VALIDITY)
            .newIntermediate(CertificateAuthority.INTERMEDIATE_VALIDITY);
    private final CertificateAuthority east =
            CertificateAuthority.newRoot("east", clock, CertificateAuthority.ROOT_VALIDITY);
    private final Credential shop = west.issue(SpiffeId.consumer("west", "shop"), CertificateAuthority.LEAF_VALIDITY);

    @Test
    void aCompleteSetGivesTheCredentialAndEachPeersRoots() {
        Map<String, String> files = new HashMap<>(SecretVolume.forwarderFiles(shop, "east", east.root()));
        files.put("ca.crt", "not ours, ignored");

        HeldCredentials held = HeldCredentials.parse(files, clock);

        assertThat(held.credential().chain()).isEqualTo(shop.chain());
        assertThat(held.peerRoots()).containsOnlyKeys("east");
        assertThat(held.peerRoots().get("east")).containsExactly(east.root());
        // the leaf (3 days) expires first of everything held
        assertThat(held.runway(clock)).isEqualTo(Duration.ofDays(3));
        assertThat(held.certificates()).contains(east.root()).containsAll(shop.chain());
    }

    @Test
    void aKeyThatIsNotTheLeafsIsRefused() {
        // what a read straddling a Secret update would see: the new chain with the old key
        Credential next = west.issue(SpiffeId.consumer("west", "shop"), CertificateAuthority.LEAF_VALIDITY);
        Map<String, String> files = new HashMap<>(SecretVolume.forwarderFiles(shop, "east", east.root()));
        files.put(HeldCredentials.KEY, Pem.privateKey(next.key()));

        assertThatThrownBy(() -> HeldCredentials.parse(files, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not the certificate's");
    }

    @Test
    void aMissingTruncatedOrExpiredPieceIsRefused() {
        Map<String, String> good = SecretVolume.forwarderFiles(shop, "east", east.root());

        Map<String, String> noKey = new HashMap<>(good);
        noKey.remove(HeldCredentials.KEY);
        assertThatThrownBy(() -> HeldCredentials.parse(noKey, clock)).hasMessageContaining("tls.key");

        Map<String, String> truncated = new HashMap<>(good);
        String chain = good.get(HeldCredentials.CHAIN);
        truncated.put(HeldCredentials.CHAIN, chain.substring(0, chain.length() / 3));
        assertThatThrownBy(() -> HeldCredentials.parse(truncated, clock)).isInstanceOf(IllegalArgumentException.class);

        Map<String, String> badPeer = new HashMap<>(good);
        badPeer.put("peer-East!.pem", good.get("peer-east.pem"));
        assertThatThrownBy(() -> HeldCredentials.parse(badPeer, clock)).hasMessageContaining("names no trust domain");

        clock.advance(Duration.ofDays(4));
        assertThatThrownBy(() -> HeldCredentials.parse(good, clock)).hasMessageContaining("not valid now");
    }

    @Test
    void theGatewaysPairHasNoPeerRoots() {
        Credential gateway = east.newIntermediate(CertificateAuthority.INTERMEDIATE_VALIDITY)
                .issue(SpiffeId.gateway("east"), CertificateAuthority.LEAF_VALIDITY);
        HeldCredentials held = HeldCredentials.parse(
                Map.of(
                        HeldCredentials.CHAIN,
                        Pem.certificates(gateway.chain()),
                        HeldCredentials.KEY,
                        Pem.privateKey(gateway.key())),
                clock);

        assertThat(held.peerRoots()).isEmpty();
        assertThat(held.certificates()).isEqualTo(List.copyOf(gateway.chain()));
    }
}
