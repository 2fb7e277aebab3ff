package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A private address and DNS names in the consumer's namespace that reach one endpoint service. */
@Group(Api.GROUP)
@Version(Api.VERSION)
@ShortNames({"ifep", "vpce"})
@Categories(Api.CATEGORY)
@AdditionalPrinterColumn(name = "Service", jsonPath = ".spec.serviceName", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "State", jsonPath = ".status.state", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Address", jsonPath = ".status.address", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Endpoint ID",
        jsonPath = ".status.endpointId",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
public class InterfaceEndpoint extends CustomResource<InterfaceEndpointSpec, InterfaceEndpointStatus>
        implements Namespaced {}
