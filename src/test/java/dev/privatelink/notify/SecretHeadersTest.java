package dev.privatelink.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Issue 12: what a notification's secret header sends, and what an owner reads when it cannot be read. */
class SecretHeadersTest {

    static Secret secret(String key, String value) {
        return new SecretBuilder()
                .addToData(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)))
                .build();
    }

    @Test
    void theValueLosesTheLineEndEchoLeavesAndAValueUnfitForAHeaderIsRefused() {
        assertThat(SecretHeaders.value(secret("token", "abc\n"), "token")).contains("abc");
        assertThat(SecretHeaders.value(secret("token", "Bearer a.b.c"), "token"))
                .contains("Bearer a.b.c");
        assertThat(SecretHeaders.value(secret("token", "a\r\nX-Injected: 1"), "token"))
                .isEmpty();
        assertThat(SecretHeaders.value(secret("token", ""), "token")).isEmpty();
        assertThat(SecretHeaders.value(secret("other", "abc"), "token")).isEmpty();
    }

    @Test
    void aForbiddenReadSaysWhatToGrantAndAMissingSecretWhatToCreate() {
        SecretHeaders headers = new SecretHeaders(null, "kube-privatelink-system", Clock.systemUTC());
        String refusal = "secrets \"hook-token\" is forbidden: User"
                + " \"system:serviceaccount:kube-privatelink-system:kube-privatelink-operator\" cannot get resource"
                + " \"secrets\" in API group \"\" in the namespace \"payments\"";
        assertThat(SecretHeaders.problem(403, "payments", "hook-token", headers.serviceAccount(refusal)))
                .contains("Secret payments/hook-token")
                .endsWith("kubectl -n payments create rolebinding privatelink-notifications"
                        + " --clusterrole=<release>-notification-secret-reader"
                        + " --serviceaccount=kube-privatelink-system:kube-privatelink-operator");
        assertThat(headers.serviceAccount("forbidden"))
                .isEqualTo("kube-privatelink-system:<the operator's service account>");
        assertThat(SecretHeaders.problem(404, "payments", "hook-token", null))
                .contains("Secret payments/hook-token")
                .contains("does not exist");
        assertThat(SecretHeaders.problem(500, "payments", "hook-token", null)).contains("HTTP 500");
    }
}
