package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The relationship with one other cluster (a VPC peering), named locally: the peer's trust domain
 * and roots, and the addresses of its gateway. Cluster-scoped: peering is the cluster admin's
 * decision. See CROSS-CLUSTER.md.
 */
@Group(Api.GROUP)
@Version(Api.VERSION)
@ShortNames({"cpeer"})
@Categories(Api.CATEGORY)
@AdditionalPrinterColumn(
        name = "Trust Domain",
        jsonPath = ".status.trustDomain",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Enrolled",
        jsonPath = ".status.conditions[?(@.type==\"Enrolled\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Connected",
        jsonPath = ".status.conditions[?(@.type==\"Connected\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Runway", jsonPath = ".status.runway", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Gateways",
        jsonPath = ".status.gatewayAddresses",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
public class ClusterPeer extends CustomResource<ClusterPeerSpec, ClusterPeerStatus> {}
