package dev.privatelink.forwarder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.forwarder.config.ForwarderConfig.Upstream;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UpstreamOrderTest {

    private static final InetSocketAddress A = new InetSocketAddress("10.0.0.1", 80);
    private static final InetSocketAddress B = new InetSocketAddress("10.0.0.2", 80);
    private static final InetSocketAddress C = new InetSocketAddress("10.0.0.3", 80);

    @Test
    void firstChoicesFollowTheWeights() {
        UpstreamOrder order =
                UpstreamOrder.of(List.of(new Upstream("10.0.0.1", 80, 3), new Upstream("10.0.0.2", 80, 1)));
        SplittableRandom random = new SplittableRandom(42);
        Map<InetSocketAddress, Integer> first = new HashMap<>();

        for (int i = 0; i < 20_000; i++) {
            first.merge(order.next(random).get(0), 1, Integer::sum);
        }

        assertThat(first.get(A) / 20_000.0).isBetween(0.73, 0.77);
        assertThat(first.get(B) / 20_000.0).isBetween(0.23, 0.27);
    }

    @Test
    void everyUpstreamWithWeightComesOnceSoFailoverReachesAll() {
        UpstreamOrder order = UpstreamOrder.of(List.of(
                new Upstream("10.0.0.1", 80, 5), new Upstream("10.0.0.2", 80, 1), new Upstream("10.0.0.3", 80, 1)));

        assertThat(order.next(new SplittableRandom(1))).containsExactlyInAnyOrder(A, B, C);
    }

    @Test
    void weightZeroIsDrainedWhileOthersHaveWeight() {
        UpstreamOrder order =
                UpstreamOrder.of(List.of(new Upstream("10.0.0.1", 80, 0), new Upstream("10.0.0.2", 80, 2)));

        assertThat(order.next(new SplittableRandom(1))).containsExactly(B);
    }

    @Test
    void allWeightsZeroCountAlike() {
        UpstreamOrder order =
                UpstreamOrder.of(List.of(new Upstream("10.0.0.1", 80, 0), new Upstream("10.0.0.2", 80, 0)));

        assertThat(order.next(new SplittableRandom(1))).containsExactlyInAnyOrder(A, B);
    }

    @Test
    void noUpstreamsGiveAnEmptyOrder() {
        assertThat(UpstreamOrder.of(List.of()).isEmpty()).isTrue();
    }

    @Test
    void ipLiteralsAreResolvedAndNamesLeftToTheAsynchronousResolver() {
        assertThat(UpstreamOrder.address("10.0.0.1", 80).isUnresolved()).isFalse();
        assertThat(UpstreamOrder.address("[::1]", 80).getAddress().getHostAddress())
                .isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(UpstreamOrder.address("payments.owner.svc.cluster.local", 80).isUnresolved())
                .isTrue();
    }
}
