package dev.privatelink.forwarder;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** SEC-11: which first reads count as a client's own PROXY header. */
class ClientProxyHeaderTest {

    @Test
    void aV1OrV2HeaderIsOne() {
        assertThat(startsLikeOne(ascii("PROXY TCP4 10.0.0.1 10.0.0.2 1234 443\r\nGET /")))
                .isTrue();
        assertThat(startsLikeOne(ascii("PROXY UNKNOWN\r\n"))).isTrue();
        byte[] v2 = ProxyProtocolV2.header(
                new InetSocketAddress("10.0.0.1", 1234), new InetSocketAddress("10.0.0.2", 443), "vpce-x");
        assertThat(startsLikeOne(v2)).isTrue();
    }

    @Test
    void aFirstReadShorterThanASignatureCountsWhenItIsAPrefixOfOne() {
        assertThat(startsLikeOne(ascii("P"))).isTrue();
        assertThat(startsLikeOne(ascii("PROX"))).isTrue();
        assertThat(startsLikeOne(Arrays.copyOf(ProxyProtocolV2.SIGNATURE, 5))).isTrue();
    }

    @Test
    void ordinaryFirstBytesAreNot() {
        assertThat(startsLikeOne(ascii("GET / HTTP/1.1\r\n"))).isFalse();
        assertThat(startsLikeOne(ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"))).isFalse(); // h2c prior knowledge
        assertThat(startsLikeOne(ascii("PROXYX"))).isFalse();
        assertThat(startsLikeOne(ascii("PING\r\n"))).isFalse();
        assertThat(startsLikeOne(new byte[] {0x16, 0x03, 0x01})).isFalse(); // a TLS ClientHello
        assertThat(startsLikeOne(ascii("\r\nGET / HTTP/1.1"))).isFalse();
        assertThat(startsLikeOne(new byte[0])).isFalse();
    }

    @Test
    void onlyTheReadableBytesCount() {
        ByteBuf buf = Unpooled.wrappedBuffer(ascii("xxPROXY "));
        buf.skipBytes(2);
        assertThat(ClientProxyHeader.startsLikeOne(buf)).isTrue();
        assertThat(buf.readerIndex()).as("nothing consumed").isEqualTo(2);
    }

    private static boolean startsLikeOne(byte[] bytes) {
        return ClientProxyHeader.startsLikeOne(Unpooled.wrappedBuffer(bytes));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
