package dev.privatelink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.privatelink.forwarder.ProxyProtocolV2;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PreambleTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("10.1.2.3", 40000);
    private static final InetSocketAddress ENDPOINT = new InetSocketAddress("10.96.0.10", 443);

    @Test
    void readsTheForwardersHeader() {
        byte[] header = ProxyProtocolV2.header(CLIENT, ENDPOINT, "vpce-0123456789abcdef0");

        assertThat(Preamble.plausibleStart(header, header.length)).isTrue();
        assertThat(Preamble.length(header, header.length)).isEqualTo(header.length);
        assertThat(Preamble.parse(header)).isEqualTo(new Preamble(CLIENT, ENDPOINT, "vpce-0123456789abcdef0"));
        assertThat(Preamble.parse(ProxyProtocolV2.header(
                                new InetSocketAddress("::1", 1), new InetSocketAddress("fd00::1", 8443), "vpce-1"))
                        .port())
                .isEqualTo(8443);
    }

    @Test
    void refusesWhatIsNotAPreambleOfOurs() {
        assertThat(Preamble.plausibleStart("GET / HTTP/1.1\r\n".getBytes(), 16)).isFalse();
        byte[] local = ProxyProtocolV2.header(CLIENT, ENDPOINT, "vpce-1");
        local[12] = 0x20; // the LOCAL command
        assertThat(Preamble.plausibleStart(local, local.length)).isFalse();

        assertThatThrownBy(() -> Preamble.parse(ProxyProtocolV2.header(CLIENT, ENDPOINT, null)))
                .hasMessageContaining("no endpoint ID");
        assertThatThrownBy(() -> Preamble.parse(ProxyProtocolV2.header(CLIENT, ENDPOINT, "vpce 1/../x")))
                .hasMessageContaining("not an endpoint ID");

        byte[] overrun = ProxyProtocolV2.header(CLIENT, ENDPOINT, "vpce-1");
        overrun[16 + 12 + 2]++; // the TLV claims a byte more than the header holds
        assertThatThrownBy(() -> Preamble.parse(overrun)).isInstanceOf(IllegalArgumentException.class);

        byte[] truncatedAddresses = Arrays.copyOf(ProxyProtocolV2.header(CLIENT, ENDPOINT, null), 20);
        truncatedAddresses[15] = 4; // claims 4 bytes of a 12-byte address block
        assertThatThrownBy(() -> Preamble.parse(truncatedAddresses)).isInstanceOf(IllegalArgumentException.class);

        byte[] emptyTlv = ProxyProtocolV2.header(CLIENT, ENDPOINT, null);
        byte[] withEmpty = Arrays.copyOf(emptyTlv, emptyTlv.length + 3);
        withEmpty[emptyTlv.length] = (byte) 0xEA; // a 0xEA TLV of length 0
        withEmpty[15] = (byte) (withEmpty[15] + 3);
        assertThatThrownBy(() -> Preamble.parse(withEmpty)).hasMessageContaining("no endpoint ID");
    }

    @Test
    void aHeaderLongerThanTheGatewayHoldsIsRefusedByItsLength() {
        byte[] fixed = Arrays.copyOf(ProxyProtocolV2.header(CLIENT, ENDPOINT, "vpce-1"), 16);
        fixed[14] = (byte) 0xFF;
        fixed[15] = (byte) 0xFF;
        assertThat(Preamble.length(fixed, 16)).isGreaterThan(Preamble.MAX_LENGTH);
    }
}
