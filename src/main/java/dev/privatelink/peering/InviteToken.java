package dev.privatelink.peering;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.privatelink.pki.SpiffeId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What an invite hands to the peer's admin, as one line of text (base64url of a small JSON
 * object): where to dial (the provider's gateway addresses), whom to expect there (the provider's
 * trust domain and the pin of its root key), the one-time code that authenticates the joiner, and
 * when it expires. Nothing in it is a credential of the provider; the code is worth one enrolment
 * before the expiry, and the provider keeps only its SHA-256.
 *
 * @param version          1
 * @param trustDomain      the provider's trust domain
 * @param gatewayAddresses host:port of the provider's gateway, tried in order
 * @param pin              {@code sha256/<base64>} of the provider's root public key (CertificateAuthority.pin)
 * @param code             base64url, 256 random bits
 * @param expires          when the provider stops accepting the code (RFC 3339, UTC)
 */
public record InviteToken(
        int version, String trustDomain, List<String> gatewayAddresses, String pin, String code, String expires) {

    public static final int VERSION = 1;
    /** A token is small; anything much larger is not one. */
    static final int MAX_LENGTH = 8192;

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Pattern PIN = Pattern.compile("sha256/[A-Za-z0-9+/]{43}=");
    private static final Pattern HOST_PORT =
            Pattern.compile("[^\\s:/]{1,253}:[0-9]{1,5}|\\[[0-9a-fA-F:.]+]:[0-9]{1,5}");

    public InviteToken {
        gatewayAddresses = gatewayAddresses == null ? List.of() : List.copyOf(gatewayAddresses);
    }

    /** A new token with a fresh code. */
    public static InviteToken issue(String trustDomain, List<String> gatewayAddresses, String pin, Instant expires) {
        byte[] code = new byte[32];
        RANDOM.nextBytes(code);
        return new InviteToken(
                VERSION,
                trustDomain,
                gatewayAddresses,
                pin,
                Base64.getUrlEncoder().withoutPadding().encodeToString(code),
                expires.toString());
    }

    public String encode() {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(this));
        } catch (Exception e) {
            throw new IllegalStateException("could not encode an invite token", e);
        }
    }

    /**
     * The token {@code text} holds (surrounding whitespace ignored, as a copy and paste adds it).
     *
     * @throws PeeringRefused with {@link Refusal#InvalidToken} when it is not a well-formed token
     */
    public static InviteToken parse(String text) throws PeeringRefused {
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_LENGTH) {
            throw invalid("empty or far too long");
        }
        InviteToken token;
        try {
            token = JSON.readValue(Base64.getUrlDecoder().decode(trimmed), InviteToken.class);
        } catch (Exception e) {
            throw invalid("not base64url JSON");
        }
        if (token == null || token.version() != VERSION) {
            throw invalid("unknown version");
        }
        if (!SpiffeId.isTrustDomain(token.trustDomain())) {
            throw invalid("no valid trust domain");
        }
        if (token.gatewayAddresses().isEmpty()
                || token.gatewayAddresses().size() > 16
                || !token.gatewayAddresses().stream()
                        .allMatch(a -> a != null && HOST_PORT.matcher(a).matches())) {
            throw invalid("no valid gateway address (host:port)");
        }
        if (token.pin() == null || !PIN.matcher(token.pin()).matches()) {
            throw invalid("no valid pin");
        }
        if (token.code() == null || !CODE.matcher(token.code()).matches()) {
            throw invalid("no valid code");
        }
        try {
            Instant.parse(String.valueOf(token.expires()));
        } catch (RuntimeException e) {
            throw invalid("no valid expiry");
        }
        return token;
    }

    /** What the provider keeps of a code: its SHA-256, hex. */
    public static String hash(String code) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(code.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public Instant expiry() {
        return Instant.parse(expires);
    }

    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiry());
    }

    private static PeeringRefused invalid(String why) {
        return new PeeringRefused(
                Refusal.InvalidToken,
                "the invite token is not valid (" + why + "): copy it again"
                        + " from the provider's Secret, key token");
    }
}
