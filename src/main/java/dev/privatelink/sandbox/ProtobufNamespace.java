package dev.privatelink.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads the name of the Namespace in the protobuf body {@code kubectl create namespace NAME}
 * sends (the one protobuf request the sandbox serves, as JSON, since the mock API server knows
 * no protobuf): the {@code k8s\0} magic, then a {@code runtime.Unknown} whose field 2 is the
 * Namespace, whose field 1 is its ObjectMeta, whose field 1 is the name.
 */
final class ProtobufNamespace {
    private static final byte[] MAGIC = {'k', '8', 's', 0};

    private ProtobufNamespace() {}

    static Optional<String> name(byte[] body) {
        if (body.length < MAGIC.length || !Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return Optional.empty();
        }
        try {
            byte[] namespace = field(Arrays.copyOfRange(body, MAGIC.length, body.length), 2);
            byte[] metadata = namespace == null ? null : field(namespace, 1);
            byte[] name = metadata == null ? null : field(metadata, 1);
            return name == null || name.length == 0
                    ? Optional.empty()
                    : Optional.of(new String(name, StandardCharsets.UTF_8));
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The bytes of the first length-delimited field {@code number} of a message; null if it has none. */
    private static byte[] field(byte[] message, int number) {
        int[] at = {0};
        while (at[0] < message.length) {
            long key = varint(message, at);
            int wireType = (int) (key & 7);
            switch (wireType) {
                case 0 -> varint(message, at);
                case 1 -> at[0] += 8;
                case 5 -> at[0] += 4;
                case 2 -> {
                    int length = Math.toIntExact(varint(message, at));
                    int start = at[0];
                    at[0] += length;
                    if (at[0] > message.length || length < 0) {
                        throw new IllegalArgumentException("truncated field");
                    }
                    if ((key >>> 3) == number) {
                        return Arrays.copyOfRange(message, start, at[0]);
                    }
                }
                default -> throw new IllegalArgumentException("wire type " + wireType);
            }
        }
        return null;
    }

    private static long varint(byte[] bytes, int[] at) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = bytes[at[0]++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("varint too long");
    }
}
