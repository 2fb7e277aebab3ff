package dev.privatelink.forwarder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void hostAndPortAreSplitAtTheLastColon() {
        assertThat(HostPort.parse("127.0.0.1:8443")).isEqualTo(new HostPort("127.0.0.1", 8443));
        assertThat(HostPort.parse("payments.owner.svc:80")).isEqualTo(new HostPort("payments.owner.svc", 80));
    }

    @Test
    void anIpv6HostIsWrittenInBrackets() {
        assertThat(HostPort.parse("[::1]:443")).isEqualTo(new HostPort("::1", 443));
        assertThatThrownBy(() -> HostPort.parse("::1:443")).hasMessageContaining("brackets");
    }

    @Test
    void aMissingOrBadPortIsRejected() {
        assertThatThrownBy(() -> HostPort.parse("localhost")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostPort.parse("localhost:")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostPort.parse("localhost:http")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostPort.parse("localhost:70000")).isInstanceOf(IllegalArgumentException.class);
    }
}
