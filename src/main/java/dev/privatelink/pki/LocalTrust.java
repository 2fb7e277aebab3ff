package dev.privatelink.pki;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This cluster's trust domain as its operator holds it: the name, the roots peers put in their
 * trust bundle, and the credentials it issues to its own components. The holder rotates what it
 * issues; callers ask again rather than keep a credential.
 */
public interface LocalTrust {

    String trustDomain();

    /** This trust domain's root certificates (more than one while a root is being replaced). */
    List<X509Certificate> roots();

    /** A current credential for {@code id}, which must be of this trust domain. */
    Credential credentialFor(SpiffeId id);

    /** A trust domain held in memory only, for tests and the sandbox: a new root and intermediate. */
    static LocalTrust inMemory(String trustDomain, Clock clock) {
        CertificateAuthority intermediate = CertificateAuthority.newRoot(
                        trustDomain, clock, CertificateAuthority.ROOT_VALIDITY)
                .newIntermediate(CertificateAuthority.INTERMEDIATE_VALIDITY);
        Map<SpiffeId, Credential> issued = new ConcurrentHashMap<>();
        return new LocalTrust() {
            @Override
            public String trustDomain() {
                return trustDomain;
            }

            @Override
            public List<X509Certificate> roots() {
                return List.of(intermediate.root());
            }

            @Override
            public Credential credentialFor(SpiffeId id) {
                return issued.compute(
                        id,
                        (k, held) -> held == null || held.runway(clock).compareTo(Duration.ofDays(1)) < 0
                                ? intermediate.issue(k, CertificateAuthority.LEAF_VALIDITY)
                                : held);
            }
        };
    }
}
