package dev.privatelink.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialWatchTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T12:00:00Z"));
    private final CertificateAuthority west = CertificateAuthority.newRoot(
                    "west", clock, CertificateAuthority.ROOT_VALIDITY)
            .newIntermediate(CertificateAuthority.INTERMEDIATE_VALIDITY);
    private final CertificateAuthority east =
            CertificateAuthority.newRoot("east", clock, CertificateAuthority.ROOT_VALIDITY);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<HeldCredentials> applied = new ArrayList<>();

    @TempDir
    Path dir;

    private Credential shop() {
        return west.issue(SpiffeId.consumer("west", "shop"), CertificateAuthority.LEAF_VALIDITY);
    }

    private CredentialWatch watch(CredentialWatch.Source source) {
        return new CredentialWatch("forwarder", source, applied::add, registry, clock);
    }

    private double failures() {
        return registry.get("privatelink.certificate.reload.failures").counter().count();
    }

    @Test
    void aSwappedSecretVolumeIsTakenOnceAndOnlyWhenItChanges() {
        SecretVolume volume = new SecretVolume(dir);
        Credential first = shop();
        volume.publish(SecretVolume.forwarderFiles(first, "east", east.root()));
        CredentialWatch watch = watch(CredentialWatch.directory(dir));

        assertThat(watch.poll()).isTrue();
        assertThat(watch.poll()).isFalse(); // nothing changed
        Credential second = shop();
        volume.publish(SecretVolume.forwarderFiles(second, "east", east.root()));
        assertThat(watch.poll()).isTrue();

        assertThat(applied)
                .extracting(h -> h.credential().certificate())
                .containsExactly(first.certificate(), second.certificate());
        assertThat(watch.current().orElseThrow().credential().certificate()).isEqualTo(second.certificate());
        assertThat(failures()).isZero();
    }

    @Test
    void aBadSetKeepsTheLastGoodOneIsCountedOnceAndAFixedOneIsTaken() {
        SecretVolume volume = new SecretVolume(dir);
        Credential good = shop();
        volume.publish(SecretVolume.forwarderFiles(good, "east", east.root()));
        CredentialWatch watch = watch(CredentialWatch.directory(dir));
        assertThat(watch.poll()).isTrue();

        // a new chain with the old key
        Map<String, String> mismatched = new HashMap<>(SecretVolume.forwarderFiles(shop(), "east", east.root()));
        mismatched.put(HeldCredentials.KEY, Pem.privateKey(good.key()));
        volume.publish(mismatched);
        assertThat(watch.poll()).isFalse();
        assertThat(watch.poll()).isFalse();

        assertThat(failures()).isEqualTo(1);
        assertThat(watch.current().orElseThrow().credential().certificate()).isEqualTo(good.certificate());
        assertThat(applied).hasSize(1);

        Credential fixed = shop();
        volume.publish(SecretVolume.forwarderFiles(fixed, "east", east.root()));
        assertThat(watch.poll()).isTrue();
        assertThat(watch.current().orElseThrow().credential().certificate()).isEqualTo(fixed.certificate());
    }

    @Test
    void filesCaughtWhileBeingWrittenAreLookedAtAgainNextTime() throws Exception {
        Credential credential = shop();
        Map<String, String> files = SecretVolume.forwarderFiles(credential, "east", east.root());
        Path chain = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        Files.writeString(key, files.get(HeldCredentials.KEY));
        String whole = files.get(HeldCredentials.CHAIN);
        // the first read sees half of the chain, the second all of it: not the same, so not taken yet
        int[] reads = {0};
        CredentialWatch.Source growing = () -> {
            Files.writeString(chain, reads[0]++ == 0 ? whole.substring(0, whole.length() / 2) : whole);
            return CredentialWatch.chainAndKey(chain, key).read();
        };
        CredentialWatch watch = watch(growing);

        assertThat(watch.poll()).isFalse();
        assertThat(failures()).isZero();
        assertThat(watch.poll()).isTrue();
        assertThat(watch.current().orElseThrow().credential().certificate()).isEqualTo(credential.certificate());
    }

    @Test
    void noFilesAtAllIsOneFailureAndNoCredential() {
        CredentialWatch watch = watch(CredentialWatch.directory(dir.resolve("absent")));

        assertThat(watch.poll()).isFalse();
        assertThat(watch.poll()).isFalse();

        assertThat(watch.current()).isEmpty();
        assertThat(failures()).isEqualTo(1);
    }

    @Test
    void theRunwayGaugeIsTheEarliestExpiryHeld() {
        SecretVolume volume = new SecretVolume(dir);
        volume.publish(SecretVolume.forwarderFiles(shop(), "east", east.root()));
        CredentialWatch watch = watch(CredentialWatch.directory(dir));
        RunwayGauge.register(
                registry,
                "forwarder",
                () -> watch.current().map(HeldCredentials::certificates).orElse(List.of()),
                clock);
        assertThat(registry.get(RunwayGauge.NAME)
                        .tag("component", "forwarder")
                        .gauge()
                        .value())
                .isZero();

        watch.poll();

        assertThat(registry.get(RunwayGauge.NAME).gauge().value()).isEqualTo(3 * 24 * 3600.0);
    }
}
