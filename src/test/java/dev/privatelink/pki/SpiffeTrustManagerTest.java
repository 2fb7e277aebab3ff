package dev.privatelink.pki;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** A chain verified once is not verified again while nothing it depends on changed; anything that did, counts. */
class SpiffeTrustManagerTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T12:00:00Z"));
    private final CertificateAuthority west = CertificateAuthority.newRoot(
                    "west", clock, CertificateAuthority.ROOT_VALIDITY)
            .newIntermediate(CertificateAuthority.INTERMEDIATE_VALIDITY);
    private final X509Certificate[] shop = west.issue(
                    SpiffeId.consumer("west", "shop"), CertificateAuthority.LEAF_VALIDITY)
            .chain()
            .toArray(new X509Certificate[0]);
    private final Map<String, List<X509Certificate>> roots =
            new ConcurrentHashMap<>(Map.of("west", List.of(west.root())));
    private final SpiffeTrustManager trust = SpiffeTrustManager.peers(td -> roots.getOrDefault(td, List.of()), clock);

    @Test
    void aRepeatedChainIsTrustedAgain() {
        assertThatCode(() -> trust.checkClientTrusted(shop, "EC")).doesNotThrowAnyException();
        assertThatCode(() -> trust.checkClientTrusted(shop.clone(), "EC")).doesNotThrowAnyException();
    }

    @Test
    void aVerifiedChainIsRefusedOnceItsPeersRootsAreReplacedOrRemoved() throws Exception {
        trust.checkClientTrusted(shop, "EC");

        roots.put(
                "west",
                List.of(CertificateAuthority.newRoot("west", clock, CertificateAuthority.ROOT_VALIDITY)
                        .root()));
        assertThatThrownBy(() -> trust.checkClientTrusted(shop, "EC")).isInstanceOf(CertificateException.class);

        roots.remove("west");
        assertThatThrownBy(() -> trust.checkClientTrusted(shop, "EC")).isInstanceOf(CertificateException.class);
    }

    @Test
    void aVerifiedChainIsRefusedOnceItsLeafHasExpired() throws Exception {
        trust.checkClientTrusted(shop, "EC");

        clock.advance(CertificateAuthority.LEAF_VALIDITY.plus(Duration.ofSeconds(1)));

        assertThatThrownBy(() -> trust.checkClientTrusted(shop, "EC")).isInstanceOf(CertificateException.class);
    }

    @Test
    void theGatewaysExpectationHoldsForARepeatedChainToo() throws Exception {
        SpiffeTrustManager gatewayOfWest = SpiffeTrustManager.gatewayOf("west", List.of(west.root()), clock);

        assertThatThrownBy(() -> gatewayOfWest.checkServerTrusted(shop, "EC")).isInstanceOf(CertificateException.class);
        assertThatThrownBy(() -> gatewayOfWest.checkServerTrusted(shop, "EC")).isInstanceOf(CertificateException.class);
    }
}
