package dev.privatelink.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;

/**
 * The mock API server's CRUD dispatcher with a JSON merge patch (also used for kubectl's
 * strategic merge patches, see {@link DiscoveryDispatcher}) that follows RFC 7386: lists are
 * replaced, not appended to, and null deletes. JSON Patch is left to the mock server.
 */
final class SandboxCrudDispatcher extends KubernetesCrudDispatcher {
    SandboxCrudDispatcher() {
        super(List.of());
    }

    @Override
    public JsonNode merge(JsonNode current, String patch) throws KubernetesCrudDispatcherException {
        try {
            return MergePatch.apply(current, Serialization.jsonMapper().readTree(patch));
        } catch (JsonProcessingException e) {
            throw new KubernetesCrudDispatcherException(e.getMessage(), 422);
        }
    }
}
