package dev.privatelink.forwarder;

import static dev.privatelink.forwarder.Loopback.config;
import static dev.privatelink.forwarder.Loopback.freePort;
import static dev.privatelink.forwarder.Loopback.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HAProxy from Debian, an independent parser of PROXY v2 ({@code accept-proxy}), answers every
 * request with the addresses it took from the header. HAProxy 2.6 has no sample fetch for an
 * arbitrary TLV ({@code fc_pp_tlv} came in 2.9), so the 0xEA TLV's framing is checked by
 * putting a UNIQUE_ID TLV after it: HAProxy finds that one only by walking past ours by its
 * length. Its value is checked by Netty's decoder in {@link ProxyProtocolV2Test}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HaproxyParsesProxyHeaderTest {

    private static final String ENDPOINT_ID = "vpce-0123456789abcdef0";

    @TempDir
    static Path dir;

    private static Process haproxy;
    private static int haproxyPort;

    private Forwarder forwarder;

    @BeforeAll
    static void startHaproxy() throws Exception {
        Path binary = Path.of("/usr/sbin/haproxy");
        String missing = "haproxy is not installed (apt-get install -y haproxy): PROXY v2 not checked against HAProxy";
        if (!Files.isExecutable(binary) && "true".equals(System.getenv("CI"))) {
            fail(missing + "; CI=true, where a missing peer fails rather than skips");
        }
        assumeTrue(Files.isExecutable(binary), missing);
        haproxyPort = freePort();
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, """
                defaults
                    mode http
                    timeout connect 5s
                    timeout client 10s
                    timeout server 10s
                frontend echo_proxy_header
                    bind 127.0.0.1:%d accept-proxy
                    http-request return status 200 content-type text/plain lf-string "src=%%[src] src_port=%%[src_port] dst=%%[dst] dst_port=%%[dst_port] unique_id=%%[fc_pp_unique_id]"
                """.formatted(haproxyPort));
        haproxy = new ProcessBuilder(binary.toString(), "-db", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile())
                .start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Socket probe = new Socket(Loopback.HOST, haproxyPort)) {
                return true;
            }
        });
    }

    @AfterAll
    static void stopHaproxy() throws InterruptedException {
        if (haproxy != null) {
            haproxy.destroy();
            if (!haproxy.waitFor(5, TimeUnit.SECONDS)) {
                haproxy.destroyForcibly();
            }
        }
    }

    @AfterEach
    void stopForwarder() {
        if (forwarder != null) {
            forwarder.close();
        }
    }

    @Test
    void haproxySeesTheIpv4ClientAndTheListenerThroughTheForwarder() throws Exception {
        int listenPort = startForwarder(Loopback.HOST);

        try (Socket client = new Socket(Loopback.HOST, listenPort)) {
            String answer = get(client);

            assertThat(answer)
                    .contains("src=127.0.0.1 src_port=" + client.getLocalPort() + " ")
                    .contains("dst=127.0.0.1 dst_port=" + listenPort + " ");
        }
    }

    @Test
    void haproxySeesTheIpv6ClientThroughTheForwarder() throws Exception {
        assumeTrue(ipv6LoopbackUp(), "no IPv6 loopback here");
        int listenPort = startForwarder("::1");

        try (Socket client = new Socket("::1", listenPort)) {
            String answer = get(client);

            assertThat(answer)
                    .contains("src=::1 src_port=" + client.getLocalPort() + " ")
                    .contains("dst=::1 dst_port=" + listenPort + " ");
        }
    }

    @Test
    void haproxyWalksPastTheAwsTlvByItsLength() throws Exception {
        byte[] header = withUniqueIdTlv(
                ProxyProtocolV2.header(
                        new InetSocketAddress("192.0.2.10", 51000),
                        new InetSocketAddress("198.51.100.1", 443),
                        ENDPOINT_ID),
                "after-the-aws-tlv");

        try (Socket raw = new Socket(Loopback.HOST, haproxyPort)) {
            raw.getOutputStream().write(header);
            String answer = get(raw);

            assertThat(answer)
                    .contains("src=192.0.2.10 src_port=51000 dst=198.51.100.1 dst_port=443")
                    .contains("unique_id=after-the-aws-tlv");
        }
    }

    @Test
    void haproxyRefusesAHeaderWhoseTlvOverrunsIt() throws Exception {
        byte[] header = ProxyProtocolV2.header(
                new InetSocketAddress("192.0.2.10", 51000), new InetSocketAddress("198.51.100.1", 443), ENDPOINT_ID);
        // claim one byte more for the AWS TLV than the header holds: the check above has teeth
        int tlvLengthAt = 16 + 12 + 1;
        header[tlvLengthAt + 1]++;

        try (Socket raw = new Socket(Loopback.HOST, haproxyPort)) {
            raw.setSoTimeout(10_000);
            raw.getOutputStream().write(header);
            String answer;
            try {
                answer = get(raw);
            } catch (IOException reset) {
                answer = "";
            }

            assertThat(answer).doesNotContain("200 OK");
        }
    }

    private int startForwarder(String bindAddress) throws IOException {
        forwarder = new Forwarder(
                ForwarderSettings.defaults()
                        .withUpstreamGuard(UpstreamGuard.SAME_HOST)
                        .withBindAddress(bindAddress),
                new SimpleMeterRegistry());
        int listenPort = freePort();
        assertThat(forwarder
                        .apply(config(Loopback.withProxyProtocol(route(ENDPOINT_ID, listenPort, haproxyPort))))
                        .complete())
                .isTrue();
        return listenPort;
    }

    private static String get(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }

    /** Appends a PP2_TYPE_UNIQUE_ID TLV (0x05) and fixes the header's length field. */
    private static byte[] withUniqueIdTlv(byte[] header, String uniqueId) {
        byte[] id = uniqueId.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(header.length + 3 + id.length)
                .put(header)
                .put((byte) 0x05)
                .putShort((short) id.length)
                .put(id);
        int length = out.capacity() - 16;
        out.putShort(14, (short) length);
        return out.array();
    }

    private static boolean ipv6LoopbackUp() throws IOException {
        NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        return lo != null && lo.inetAddresses().anyMatch(a -> a instanceof Inet6Address);
    }
}
