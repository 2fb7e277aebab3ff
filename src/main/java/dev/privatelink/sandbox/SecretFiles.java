package dev.privatelink.sandbox;

import dev.privatelink.pki.CredentialWatch;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Secret as the files of its volume, read from the API server each time: what the kubelet
 * mounts for a pod that takes its credentials from a Secret, without a directory in between.
 */
final class SecretFiles {
    private SecretFiles() {}

    static CredentialWatch.Source of(KubernetesClient client, String namespace, String name) {
        return () -> {
            Secret secret =
                    client.secrets().inNamespace(namespace).withName(name).get();
            if (secret == null || secret.getData() == null) {
                throw new IOException("Secret " + namespace + "/" + name + " does not exist yet");
            }
            Map<String, String> files = new TreeMap<>();
            secret.getData()
                    .forEach((key, value) ->
                            files.put(key, new String(Base64.getDecoder().decode(value), StandardCharsets.US_ASCII)));
            return files;
        };
    }
}
