package dev.privatelink.forwarder;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SourceRateTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final InetAddress one = InetAddress.getLoopbackAddress();
    private final InetAddress other = address("127.0.0.2");

    @Test
    void aSourceGetsOneSecondsWorthAtOnceThenTheRate() {
        SourceRate rate = new SourceRate(3, now::get);

        assertThat(takes(rate, one, 5)).isEqualTo(3);
        advance(TimeUnit.MILLISECONDS.toNanos(340));
        assertThat(takes(rate, one, 5)).isEqualTo(1);
        advance(TimeUnit.SECONDS.toNanos(10));
        // never more than one second's worth, however long it waited
        assertThat(takes(rate, one, 5)).isEqualTo(3);
    }

    @Test
    void sourcesHaveBucketsOfTheirOwn() {
        SourceRate rate = new SourceRate(2, now::get);

        assertThat(takes(rate, one, 3)).isEqualTo(2);
        assertThat(takes(rate, other, 3)).isEqualTo(2);
    }

    @Test
    void zeroMeansNoLimit() {
        assertThat(takes(new SourceRate(0, now::get), one, 10_000)).isEqualTo(10_000);
        assertThat(takes(SourceRate.unlimited(), one, 10_000)).isEqualTo(10_000);
    }

    @Test
    void aBudgetRefusesAnAddressOverItsRateBeforeCountingIt() {
        ConnectionBudget budget = new ConnectionBudget(10, 10, new SourceRate(1, now::get));

        assertThat(budget.tryAcquire(one)).isEmpty();
        assertThat(budget.tryAcquire(one)).contains(RefusalReason.SOURCE_RATE);
        // the refused one took no place: nine more fit
        for (int i = 0; i < 9; i++) {
            advance(TimeUnit.SECONDS.toNanos(1));
            assertThat(budget.tryAcquire(one)).isEmpty();
        }
        advance(TimeUnit.SECONDS.toNanos(1));
        assertThat(budget.tryAcquire(one)).contains(RefusalReason.FORWARDER_LIMIT);
    }

    private static int takes(SourceRate rate, InetAddress source, int attempts) {
        int taken = 0;
        for (int i = 0; i < attempts; i++) {
            if (rate.tryAcquire(source)) {
                taken++;
            }
        }
        return taken;
    }

    private void advance(long nanos) {
        now.addAndGet(nanos);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
