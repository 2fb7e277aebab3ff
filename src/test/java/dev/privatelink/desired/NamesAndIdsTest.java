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
    void shortNamesStayAndLongOnesAreCutWithAHash() {
        assertThat(Names.forwarder("shop")).isEqualTo("plfwd-shop");
        String longNs = "a".repeat(63);
        assertThat(Names.forwarder(longNs))
                .hasSizeLessThanOrEqualTo(47)
                .startsWith("plfwd-aaa")
                .isNotEqualTo(Names.forwarder("a".repeat(62) + "b"));
    }

    @Test
    void zonalServiceNamesAreValidDnsLabels() {
        assertThat(Names.zonalService("api", "us-east-1a")).isEqualTo("api-us-east-1a");
        assertThat(Names.zonalService("api", "Zone_A.1")).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        assertThat(Names.zonalService("e".repeat(63), "zone-a")).hasSizeLessThanOrEqualTo(63);
    }
}
