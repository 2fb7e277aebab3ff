package dev.privatelink.forwarder;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProxyProtocolV2Test {

    private static final InetSocketAddress CLIENT_V4 = new InetSocketAddress("192.0.2.10", 51000);
    private static final InetSocketAddress LISTENER_V4 = new InetSocketAddress("198.51.100.1", 443);
    private static final InetSocketAddress CLIENT_V6 = new InetSocketAddress("2001:db8::10", 51000);
    private static final InetSocketAddress LISTENER_V6 = new InetSocketAddress("2001:db8::1", 443);

    @Test
    void ipv4HeaderHasTheExactBytesOfTheSpecification() {
        byte[] header = ProxyProtocolV2.header(CLIENT_V4, LISTENER_V4, "vpce-1");

        assertThat(ByteBufUtil.hexDump(header))
                .isEqualTo(
                        "0d0a0d0a000d0a515549540a" // signature
                                + "21" // version 2, PROXY
                                + "11" // TCP over IPv4
                                + "0016" // 12 bytes of addresses + 10 of TLV
                                + "c000020a" + "c6336401" // 192.0.2.10, 198.51.100.1
                                + "c738" + "01bb" // 51000, 443
                                + "ea" + "0007" + "01" + "767063652d31"); // AWS TLV: subtype VPCE ID, "vpce-1"
    }

    @Test
    void ipv6HeaderCarriesSixteenByteAddresses() {
        byte[] header = ProxyProtocolV2.header(CLIENT_V6, LISTENER_V6, "vpce-1");

        assertThat(header[13]).isEqualTo((byte) 0x21);
        assertThat(header.length).isEqualTo(16 + 36 + 10);
        assertThat(ByteBufUtil.hexDump(header, 16, 16)).isEqualTo("20010db8000000000000000000000010");
    }

    @Test
    void aClientOfTheOtherFamilyIsWrittenAsAnIpv4MappedIpv6Address() {
        ProxyProtocolV2Decoder.Header decoded =
                ProxyProtocolV2Decoder.decode(ProxyProtocolV2.header(CLIENT_V4, LISTENER_V6, "vpce-1"));

        assertThat(decoded.family()).isEqualTo(0x21);
        assertThat(decoded.source()).isEqualTo(CLIENT_V4);
        assertThat(decoded.destination()).isEqualTo(LISTENER_V6);
    }

    @Test
    void withoutAnEndpointIdThereIsNoTlv() {
        byte[] header = ProxyProtocolV2.header(CLIENT_V4, LISTENER_V4, "");

        assertThat(header.length).isEqualTo(16 + 12);
        assertThat(ProxyProtocolV2Decoder.decode(header).tlvs()).isEmpty();
    }

    @Test
    void ownDecoderReadsBackWhatWasEncoded() {
        ProxyProtocolV2Decoder.Header decoded =
                ProxyProtocolV2Decoder.decode(ProxyProtocolV2.header(CLIENT_V6, LISTENER_V6, "vpce-0123456789abcdef0"));

        assertThat(decoded.source()).isEqualTo(CLIENT_V6);
        assertThat(decoded.destination()).isEqualTo(LISTENER_V6);
        assertThat(decoded.vpceId()).isEqualTo("vpce-0123456789abcdef0");
    }

    /** Netty's decoder was written against the specification by others: an independent parser. */
    @Test
    void nettysHaproxyDecoderParsesTheHeaderAndTheAwsTlv() {
        EmbeddedChannel channel = new EmbeddedChannel(new HAProxyMessageDecoder());
        byte[] header = ProxyProtocolV2.header(CLIENT_V4, LISTENER_V4, "vpce-0123456789abcdef0");

        channel.writeInbound(Unpooled.wrappedBuffer(header, "hello".getBytes(StandardCharsets.US_ASCII)));

        HAProxyMessage message = channel.readInbound();
        try {
            assertThat(message.protocolVersion()).isEqualTo(HAProxyProtocolVersion.V2);
            assertThat(message.command()).isEqualTo(HAProxyCommand.PROXY);
            assertThat(message.proxiedProtocol()).isEqualTo(HAProxyProxiedProtocol.TCP4);
            assertThat(message.sourceAddress()).isEqualTo("192.0.2.10");
            assertThat(message.sourcePort()).isEqualTo(51000);
            assertThat(message.destinationAddress()).isEqualTo("198.51.100.1");
            assertThat(message.destinationPort()).isEqualTo(443);
            assertThat(message.tlvs()).hasSize(1);
            HAProxyTLV tlv = message.tlvs().get(0);
            assertThat(tlv.typeByteValue()).isEqualTo((byte) 0xEA);
            ByteBuf value = tlv.content();
            assertThat(value.getByte(0)).isEqualTo((byte) 0x01);
            assertThat(value.toString(1, value.readableBytes() - 1, StandardCharsets.US_ASCII))
                    .isEqualTo("vpce-0123456789abcdef0");
        } finally {
            message.release();
        }
        ByteBuf rest = channel.readInbound();
        assertThat(rest.toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
        rest.release();
        channel.finishAndReleaseAll();
    }
}
