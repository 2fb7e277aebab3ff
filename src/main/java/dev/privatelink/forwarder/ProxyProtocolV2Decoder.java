package dev.privatelink.forwarder;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a PROXY v2 header back into addresses and TLVs: what a provider behind an endpoint does.
 * Used by the sandbox's sample provider and by the tests of {@link ProxyProtocolV2}.
 */
public final class ProxyProtocolV2Decoder {

    public record Header(
            int family,
            InetSocketAddress source,
            InetSocketAddress destination,
            Map<Integer, byte[]> tlvs,
            int length) {
        /** The endpoint ID from the AWS TLV, checking its subtype. */
        public String vpceId() {
            byte[] value = tlvs.get(0xEA);
            if (value == null || value[0] != 0x01) {
                return null;
            }
            return new String(value, 1, value.length - 1, StandardCharsets.US_ASCII);
        }
    }

    private ProxyProtocolV2Decoder() {}

    /**
     * How many bytes the header at the start of {@code bytes} takes, once its fixed part (16 bytes)
     * is there; -1 while fewer than 16 bytes are available.
     */
    public static int headerLength(byte[] bytes, int available) {
        if (available < 16) {
            return -1;
        }
        return 16 + (((bytes[14] & 0xFF) << 8) | (bytes[15] & 0xFF));
    }

    /** Decodes the header at the start of {@code bytes}; {@link Header#length()} says where the payload starts. */
    public static Header decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte[] signature = new byte[12];
        in.get(signature);
        if (!Arrays.equals(signature, ProxyProtocolV2.SIGNATURE)) {
            throw new IllegalArgumentException("no PROXY v2 signature");
        }
        int versionCommand = in.get() & 0xFF;
        if (versionCommand != 0x21) {
            throw new IllegalArgumentException("not version 2 PROXY: " + versionCommand);
        }
        int family = in.get() & 0xFF;
        int length = in.getShort() & 0xFFFF;
        int end = 16 + length;
        InetSocketAddress source = null;
        InetSocketAddress destination = null;
        int addressBytes = family == 0x11 ? 4 : family == 0x21 ? 16 : 0;
        if (addressBytes > 0) {
            InetAddress src = address(in, addressBytes);
            InetAddress dst = address(in, addressBytes);
            source = new InetSocketAddress(src, in.getShort() & 0xFFFF);
            destination = new InetSocketAddress(dst, in.getShort() & 0xFFFF);
        }
        Map<Integer, byte[]> tlvs = new LinkedHashMap<>();
        while (in.position() < end) {
            int type = in.get() & 0xFF;
            byte[] value = new byte[in.getShort() & 0xFFFF];
            in.get(value);
            tlvs.put(type, value);
        }
        if (in.position() != end) {
            throw new IllegalArgumentException("TLVs overrun the header length");
        }
        return new Header(family, source, destination, tlvs, end);
    }

    private static InetAddress address(ByteBuffer in, int size) {
        byte[] raw = new byte[size];
        in.get(raw);
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
