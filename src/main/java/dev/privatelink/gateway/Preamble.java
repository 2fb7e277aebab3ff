package dev.privatelink.gateway;

import dev.privatelink.forwarder.ProxyProtocolV2Decoder;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * The PROXY v2 header a consumer's forwarder sends first inside TLS: the consumer's client address,
 * the endpoint address and port it dialled, and the endpoint ID (TLV 0xEA, subtype 0x01). Read
 * with bounds: the gateway holds at most {@link #MAX_LENGTH} bytes of it, and anything but a PROXY
 * command over TCP with an endpoint ID is refused.
 */
public record Preamble(InetSocketAddress source, InetSocketAddress destination, String endpointId) {

    /** The fixed part: signature, version and command, family, length. */
    static final int FIXED_LENGTH = 16;
    /** Addresses of IPv6 (36) and an endpoint ID TLV (3 + 1 + 64), with room for a few small TLVs. */
    static final int MAX_LENGTH = 256;

    private static final byte[] PREFIX = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21};
    private static final Pattern ENDPOINT_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final int TCP_OVER_IPV4 = 0x11;
    private static final int TCP_OVER_IPV6 = 0x21;

    /** Whether the bytes seen so far can still start a preamble (signature, version 2, PROXY command). */
    static boolean plausibleStart(byte[] bytes, int available) {
        int n = Math.min(available, PREFIX.length);
        return Arrays.equals(bytes, 0, n, PREFIX, 0, n);
    }

    /** The whole preamble's length once the fixed part is there; -1 before. */
    static int length(byte[] bytes, int available) {
        return ProxyProtocolV2Decoder.headerLength(bytes, available);
    }

    /**
     * Parses a complete preamble ({@code bytes} holds exactly its {@link #length}).
     *
     * @throws IllegalArgumentException when it is not one the gateway accepts
     */
    static Preamble parse(byte[] bytes) {
        ProxyProtocolV2Decoder.Header header;
        try {
            header = ProxyProtocolV2Decoder.decode(bytes);
        } catch (RuntimeException e) { // a TLV that overruns the header, a short address block...
            throw new IllegalArgumentException("malformed PROXY v2 header: " + e, e);
        }
        if (header.family() != TCP_OVER_IPV4 && header.family() != TCP_OVER_IPV6) {
            throw new IllegalArgumentException("not TCP over IPv4 or IPv6: family " + header.family());
        }
        byte[] tlv = header.tlvs().get(0xEA);
        if (tlv == null || tlv.length < 2 || tlv[0] != 0x01) {
            throw new IllegalArgumentException("no endpoint ID");
        }
        String id = header.vpceId();
        if (!ENDPOINT_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not an endpoint ID");
        }
        return new Preamble(header.source(), header.destination(), id);
    }

    public int port() {
        return destination.getPort();
    }
}
