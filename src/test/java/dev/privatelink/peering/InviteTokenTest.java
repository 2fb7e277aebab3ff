package dev.privatelink.peering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.privatelink.pki.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class InviteTokenTest {

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final String PIN = CertificateAuthority.pin(
            CertificateAuthority.newRoot("east", Clock.systemUTC(), CertificateAuthority.ROOT_VALIDITY)
                    .root()
                    .getPublicKey());

    static InviteToken token() {
        return InviteToken.issue("east", List.of("gw.east.example:8443", "[fd00::1]:8443"), PIN, NOW.plusSeconds(3600));
    }

    @Test
    void aTokenSurvivesItsTextForm() throws Exception {
        InviteToken token = token();

        InviteToken parsed = InviteToken.parse("\n  " + token.encode() + "\n");

        assertThat(parsed).isEqualTo(token);
        assertThat(parsed.expiry()).isEqualTo(NOW.plusSeconds(3600));
        assertThat(token.encode()).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void everyTokenHasItsOwnCodeOf256Bits() {
        InviteToken one = token();
        InviteToken two = token();

        assertThat(one.code()).isNotEqualTo(two.code());
        assertThat(Base64.getUrlDecoder().decode(one.code())).hasSize(32);
    }

    @Test
    void theProviderKeepsOnlyAHashOfTheCode() {
        InviteToken token = token();

        assertThat(InviteToken.hash(token.code())).hasSize(64).doesNotContain(token.code());
        assertThat(InviteToken.hash(token.code())).isEqualTo(InviteToken.hash(token.code()));
    }

    @Test
    void expiryIsInclusive() {
        InviteToken token = token();

        assertThat(token.expiredAt(NOW)).isFalse();
        assertThat(token.expiredAt(NOW.plusSeconds(3599))).isFalse();
        assertThat(token.expiredAt(NOW.plusSeconds(3600))).isTrue();
    }

    @Test
    void malformedTextIsAnInvalidToken() {
        for (String text : List.of("", "   ", "not base64 !", "bm90IGpzb24", "x".repeat(20000))) {
            assertThatThrownBy(() -> InviteToken.parse(text))
                    .as(text.length() > 20 ? "a long text" : text)
                    .isInstanceOfSatisfying(
                            PeeringRefused.class, e -> assertThat(e.reason()).isEqualTo(Refusal.InvalidToken));
        }
    }

    @Test
    void aTamperedTokenIsRefused() {
        InviteToken good = token();
        List<InviteToken> tampered = List.of(
                new InviteToken(2, "east", good.gatewayAddresses(), PIN, good.code(), good.expires()),
                new InviteToken(1, "East!", good.gatewayAddresses(), PIN, good.code(), good.expires()),
                new InviteToken(1, "east", List.of(), PIN, good.code(), good.expires()),
                new InviteToken(1, "east", List.of("no-port"), PIN, good.code(), good.expires()),
                new InviteToken(1, "east", good.gatewayAddresses(), "sha256/short", good.code(), good.expires()),
                new InviteToken(1, "east", good.gatewayAddresses(), PIN, "short", good.expires()),
                new InviteToken(1, "east", good.gatewayAddresses(), PIN, good.code(), "tomorrow"));

        for (InviteToken token : tampered) {
            assertThatThrownBy(() -> InviteToken.parse(token.encode()))
                    .as(token.toString())
                    .isInstanceOfSatisfying(
                            PeeringRefused.class, e -> assertThat(e.reason()).isEqualTo(Refusal.InvalidToken));
        }
    }

    @Test
    void aFlippedByteBreaksTheToken() {
        byte[] text = token().encode().getBytes(StandardCharsets.US_ASCII);
        text[3] = (byte) (text[3] == 'A' ? 'B' : 'A');

        assertThatThrownBy(() -> InviteToken.parse(new String(text, StandardCharsets.US_ASCII)))
                .isInstanceOf(PeeringRefused.class);
    }
}
