package dev.privatelink.forwarder;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Whether a client's first bytes are a PROXY protocol header of its own (SEC-11): the v2
 * signature or the v1 {@code "PROXY "}. Only the forwarder may speak PROXY to an owner; a
 * client's header, passed on, would let it forge the endpoint ID and source an owner trusts.
 *
 * <p>Only the first read is checked, and only as far as it goes: a first read shorter than a
 * signature counts when it is a prefix of one (a lone {@code "P"}, say). So the check never
 * waits for more bytes (a client that sends little, or nothing, is not held up) and a header
 * split across writes cannot slip past it; the price is that a client whose first segment is
 * exactly such a fragment is refused, which no real protocol does.
 */
final class ClientProxyHeader {
    private static final byte[] V1 = "PROXY ".getBytes(StandardCharsets.US_ASCII);

    private ClientProxyHeader() {}

    /** Whether the readable bytes of {@code first}, the client's first read, start like a PROXY header. */
    static boolean startsLikeOne(ByteBuf first) {
        return first.isReadable()
                && (matchesAvailablePrefix(first, ProxyProtocolV2.SIGNATURE) || matchesAvailablePrefix(first, V1));
    }

    private static boolean matchesAvailablePrefix(ByteBuf buf, byte[] signature) {
        int start = buf.readerIndex();
        int n = Math.min(buf.readableBytes(), signature.length);
        for (int i = 0; i < n; i++) {
            if (buf.getByte(start + i) != signature[i]) {
                return false;
            }
        }
        return true;
    }
}
