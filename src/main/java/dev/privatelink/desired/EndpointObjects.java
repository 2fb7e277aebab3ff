package dev.privatelink.desired;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.List;

/** The consumer-side objects of one endpoint: its Services and their EndpointSlices. */
public record EndpointObjects(List<Service> services, List<EndpointSlice> slices) {
    public static final EndpointObjects NONE = new EndpointObjects(List.of(), List.of());
}
