package dev.privatelink.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ProtobufNamespaceTest {

    /** What kubectl 1.32 sends for {@code kubectl create namespace foo} (from its -v=9 log). */
    private static final byte[] KUBECTL_CREATE_NAMESPACE_FOO = HexFormat.of()
            .parseHex(
                    "6b3873000a0f0a02763112094e616d657370616365121b0a130a03666f6f12001a0022002a0032003800420012001a020a001a002200");

    @Test
    void readsTheNameKubectlSends() {
        assertThat(ProtobufNamespace.name(KUBECTL_CREATE_NAMESPACE_FOO)).contains("foo");
    }

    @Test
    void anythingElseHasNoName() {
        assertThat(ProtobufNamespace.name("{\"kind\":\"Namespace\"}".getBytes()))
                .isEmpty();
        assertThat(ProtobufNamespace.name(new byte[] {'k', '8', 's', 0, 0x12, 0x7f}))
                .isEmpty();
        assertThat(ProtobufNamespace.name(new byte[0])).isEmpty();
    }
}
