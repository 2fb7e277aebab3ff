package dev.privatelink.pki;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who a certificate speaks for: {@code spiffe://<trust-domain>/privatelink/<role>}, where the role
 * is {@code operator}, {@code gateway} or {@code consumer-ns/<namespace>}. One trust domain per
 * cluster; the consumer namespace is what the consumer cluster's operator asserts (the cluster is
 * the trust boundary, see CROSS-CLUSTER.md).
 */
public record SpiffeId(String trustDomain, Role role, String namespace) {

    public enum Role {
        OPERATOR,
        GATEWAY,
        CONSUMER_NAMESPACE
    }

    /** SPIFFE's trust domain charset (lowercase letters, digits, dots, dashes, underscores). */
    private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]{1,255}");
    /** A Kubernetes namespace name (RFC 1123 label). */
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private static final String PREFIX = "/privatelink/";
    private static final String CONSUMER_NS = "consumer-ns/";

    public SpiffeId {
        if (trustDomain == null || !TRUST_DOMAIN.matcher(trustDomain).matches()) {
            throw new IllegalArgumentException("not a trust domain: " + trustDomain);
        }
        if ((role == Role.CONSUMER_NAMESPACE) != (namespace != null)) {
            throw new IllegalArgumentException("a namespace goes with the consumer-ns role, and only with it");
        }
        if (namespace != null && !NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("not a namespace name: " + namespace);
        }
    }

    public static SpiffeId operator(String trustDomain) {
        return new SpiffeId(trustDomain, Role.OPERATOR, null);
    }

    public static SpiffeId gateway(String trustDomain) {
        return new SpiffeId(trustDomain, Role.GATEWAY, null);
    }

    public static SpiffeId consumer(String trustDomain, String namespace) {
        return new SpiffeId(trustDomain, Role.CONSUMER_NAMESPACE, namespace);
    }

    public static boolean isTrustDomain(String name) {
        return name != null && TRUST_DOMAIN.matcher(name).matches();
    }

    /** The ID a URI names, or empty for anything else (another scheme, a query, an unknown role...). */
    public static Optional<SpiffeId> parse(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (Exception e) {
            return Optional.empty();
        }
        if (!"spiffe".equals(parsed.getScheme())
                || parsed.getRawAuthority() == null
                || parsed.getRawUserInfo() != null
                || parsed.getPort() != -1
                || parsed.getRawQuery() != null
                || parsed.getRawFragment() != null
                || parsed.getRawPath() == null
                || !parsed.getRawPath().startsWith(PREFIX)) {
            return Optional.empty();
        }
        String trustDomain = parsed.getRawAuthority();
        String rest = parsed.getRawPath().substring(PREFIX.length());
        try {
            if (rest.equals("operator")) {
                return Optional.of(operator(trustDomain));
            }
            if (rest.equals("gateway")) {
                return Optional.of(gateway(trustDomain));
            }
            if (rest.startsWith(CONSUMER_NS)) {
                return Optional.of(consumer(trustDomain, rest.substring(CONSUMER_NS.length())));
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    public String uri() {
        return "spiffe://" + trustDomain + PREFIX
                + switch (role) {
                    case OPERATOR -> "operator";
                    case GATEWAY -> "gateway";
                    case CONSUMER_NAMESPACE -> CONSUMER_NS + namespace;
                };
    }

    @Override
    public String toString() {
        return uri();
    }
}
