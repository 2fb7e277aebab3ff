package dev.privatelink.notify;

import dev.privatelink.api.SecretHeader;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The value of a notification target's secret header: one GET of the owner's Secret at delivery
 * time (no watch, no list: the operator holds no cluster-wide Secret read, only what an owner's
 * RoleBinding grants in its namespace), kept {@link #TTL} so that a burst of events costs one
 * read. The value is never logged and never part of an error.
 */
final class SecretHeaders {

    static final Duration TTL = Duration.ofSeconds(30);

    /** The header's value, or why there is none (a person can act on it). */
    record Value(String value, String problem) {
        static Value of(String value) {
            return new Value(value, null);
        }

        static Value problem(String problem) {
            return new Value(null, problem);
        }
    }

    private record Key(String namespace, String name, String key) {}

    private record Cached(Value value, Instant until) {}

    private final KubernetesClient client;
    private final String operatorNamespace;
    private final Clock clock;
    private final Map<Key, Cached> cache = new ConcurrentHashMap<>();

    SecretHeaders(KubernetesClient client, String operatorNamespace, Clock clock) {
        this.client = client;
        this.operatorNamespace = operatorNamespace;
        this.clock = clock;
    }

    /** The value of {@code header} for an endpoint service in {@code namespace}; problems are not kept. */
    Value resolve(String namespace, SecretHeader header) {
        Key key = new Key(namespace, header.getName(), header.getKey());
        Instant now = clock.instant();
        Cached cached = cache.get(key);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.value();
        }
        Value value = read(key);
        if (value.problem() == null) {
            cache.put(key, new Cached(value, now.plus(TTL)));
        } else {
            cache.remove(key);
        }
        return value;
    }

    private Value read(Key key) {
        Secret secret;
        try {
            secret = client.secrets()
                    .inNamespace(key.namespace())
                    .withName(key.name())
                    .get();
        } catch (KubernetesClientException e) {
            return Value.problem(problem(e.getCode(), key.namespace(), key.name(), serviceAccount(e.getMessage())));
        }
        if (secret == null) {
            return Value.problem(problem(404, key.namespace(), key.name(), null));
        }
        return value(secret, key.key())
                .map(Value::of)
                .orElseGet(() -> Value.problem("Secret " + key.namespace() + "/" + key.name() + " has no key "
                        + key.key() + " with a value usable as an HTTP header (printable, one line)"));
    }

    /** The key's value, trailing line ends dropped (as `echo` leaves them); empty when none or unusable. */
    static Optional<String> value(Secret secret, String key) {
        String value = null;
        if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
            value = secret.getStringData().get(key);
        } else if (secret.getData() != null && secret.getData().get(key) != null) {
            try {
                value = new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        if (value == null) {
            return Optional.empty();
        }
        value = value.replaceAll("[\\r\\n]+$", "");
        return value.isEmpty() || !value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c < 0x7f))
                ? Optional.empty()
                : Optional.of(value);
    }

    /**
     * The operator's service account, {@code namespace:name}, as the API server names it in a
     * refusal ({@code User "system:serviceaccount:ns:name" cannot get ...}); else the operator's
     * namespace and a placeholder.
     */
    String serviceAccount(String refusal) {
        Matcher m = SERVICE_ACCOUNT.matcher(refusal == null ? "" : refusal);
        return m.find() ? m.group(1) + ":" + m.group(2) : operatorNamespace + ":<the operator's service account>";
    }

    private static final Pattern SERVICE_ACCOUNT = Pattern.compile("system:serviceaccount:([-.a-z0-9]+):([-.a-z0-9]+)");

    /** What a failed read of the Secret tells the owner: what to grant or create. */
    static String problem(int code, String namespace, String name, String serviceAccount) {
        String secret = "Secret " + namespace + "/" + name;
        return switch (code) {
            case 403 ->
                "the operator may not read " + secret + " for the notification header (403): grant it with"
                        + " kubectl -n " + namespace + " create rolebinding privatelink-notifications"
                        + " --clusterrole=<release>-notification-secret-reader --serviceaccount=" + serviceAccount;
            case 404 ->
                secret + " for the notification header does not exist: create it (or fix"
                        + " spec.notification.secretHeader.name)";
            default -> "reading " + secret + " for the notification header failed (HTTP " + code + "); retrying";
        };
    }
}
