package dev.privatelink.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.ids.Ids;
import org.junit.jupiter.api.Test;

class NamesAndIdsTest {

    @Test
    void idsLookLikePrivateLinksAndAreStablePerUid() {
        assertThat(Ids.endpointId("uid-1"))
                .matches("vpce-[0-9a-f]{17}")
                .isEqualTo(Ids.endpointId("uid-1"))
                .isNotEqualTo(Ids.endpointId("uid-2"));
        assertThat(Ids.serviceName("uid-1")).matches("vpce-svc-[0-9a-f]{17}");
    }

    @Test
    void aForwarderNameShowsTheNamespaceAndIsUniqueByItsUid() {
        assertThat(Names.forwarder("shop", "uid-1")).matches("plfwd-shop-[0-9a-f]{16}");
        assertThat(Names.forwarder("shop", "uid-1")).isNotEqualTo(Names.forwarder("shop", "uid-2"));
        String longNs = "a".repeat(63);
        assertThat(Names.forwarder(longNs, "uid-1"))
                .hasSizeLessThanOrEqualTo(47)
                .startsWith("plfwd-" + "a".repeat(24) + "-");
    }

    /**
     * SEC-04: a namespace named like the truncated form of another's forwarder name used to get
     * that forwarder; the UID hash cannot be chosen.
     */
    @Test
    void noNamespaceNameYieldsAnothersForwarderName() {
        String victim = "payments-production-eu-west-1-blue-green-canary";
        String victimName = Names.forwarder(victim, "uid-victim");
        String crafted = victimName.substring("plfwd-".length());

        assertThat(Names.forwarder(crafted, "uid-attacker")).isNotEqualTo(victimName);
        assertThat(Names.forwarder(victim.substring(0, 24), "uid-attacker")).isNotEqualTo(victimName);
    }

    @Test
    void zonalServiceNamesAreValidDnsLabels() {
        assertThat(Names.zonalService("api", "us-east-1a")).isEqualTo("api-us-east-1a");
        assertThat(Names.zonalService("api", "Zone_A.1")).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        assertThat(Names.zonalService("e".repeat(63), "zone-a")).hasSizeLessThanOrEqualTo(63);
    }
}
