package dev.privatelink.forwarder;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol v2 header (haproxy's proxy-protocol.txt, section 2.2) as PrivateLink sends
 * it: the client's address and port, the address and port it connected to, and the endpoint ID
 * in the TLV AWS defined for it (type {@code 0xEA}, subtype {@code 0x01}, the ASCII ID), so that
 * code written against PrivateLink parses it unchanged.
 */
public final class ProxyProtocolV2 {

    static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    /** Version 2 in the high nibble, command PROXY in the low one. */
    static final int VERSION_2_PROXY = 0x21;

    static final int UNSPEC = 0x00;
    static final int TCP_OVER_IPV4 = 0x11;
    static final int TCP_OVER_IPV6 = 0x21;
    static final int PP2_TYPE_AWS = 0xEA;
    static final int PP2_SUBTYPE_AWS_VPCE_ID = 0x01;

    private static final int FIXED_PART = SIGNATURE.length + 4;
    private static final int IPV4_ADDRESSES = 12;
    private static final int IPV6_ADDRESSES = 36;

    private ProxyProtocolV2() {}

    /**
     * The header for one connection.
     *
     * @param source      the client's address (what the upstream sees as the peer)
     * @param destination the address the client connected to (the forwarder's listener)
     * @param endpointId  the endpoint ID for the {@code 0xEA} TLV; none is written when blank
     */
    public static byte[] header(InetSocketAddress source, InetSocketAddress destination, String endpointId) {
        byte[] vpceTlv = endpointId == null || endpointId.isEmpty() ? new byte[0] : vpceTlv(endpointId);
        InetAddress src = source.getAddress();
        InetAddress dst = destination.getAddress();
        int family;
        int addressLength;
        if (src instanceof Inet4Address && dst instanceof Inet4Address) {
            family = TCP_OVER_IPV4;
            addressLength = IPV4_ADDRESSES;
        } else if (src != null && dst != null) {
            // both IPv6, or one of each: an IPv4 address is written in its IPv4-mapped IPv6 form
            family = TCP_OVER_IPV6;
            addressLength = IPV6_ADDRESSES;
        } else {
            // unresolved addresses cannot occur on accepted sockets; UNSPEC tells the receiver to
            // use the connection's own addresses rather than trust made-up ones
            family = UNSPEC;
            addressLength = 0;
        }
        ByteBuffer out = ByteBuffer.allocate(FIXED_PART + addressLength + vpceTlv.length);
        out.put(SIGNATURE).put((byte) VERSION_2_PROXY).put((byte) family).putShort((short)
                (addressLength + vpceTlv.length));
        if (family == TCP_OVER_IPV4) {
            out.put(src.getAddress()).put(dst.getAddress());
        } else if (family == TCP_OVER_IPV6) {
            out.put(ipv6Bytes(src)).put(ipv6Bytes(dst));
        }
        if (family != UNSPEC) {
            out.putShort((short) source.getPort()).putShort((short) destination.getPort());
        }
        out.put(vpceTlv);
        return out.array();
    }

    private static byte[] vpceTlv(String endpointId) {
        byte[] id = endpointId.getBytes(StandardCharsets.US_ASCII);
        int valueLength = 1 + id.length;
        return ByteBuffer.allocate(3 + valueLength)
                .put((byte) PP2_TYPE_AWS)
                .putShort((short) valueLength)
                .put((byte) PP2_SUBTYPE_AWS_VPCE_ID)
                .put(id)
                .array();
    }

    private static byte[] ipv6Bytes(InetAddress address) {
        if (address instanceof Inet6Address) {
            return address.getAddress();
        }
        byte[] v4 = address.getAddress();
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(v4, 0, mapped, 12, 4);
        return mapped;
    }
}
