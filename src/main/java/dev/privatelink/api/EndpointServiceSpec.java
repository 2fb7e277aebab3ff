package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
public class EndpointServiceSpec {

    @JsonPropertyDescription(
            "Services of this namespace that serve the endpoint service; several at once for blue/green.")
    @Required
    @Size(min = 1, max = 8)
    @ValidationRule(
            value = "self.all(a, self.exists_one(b, b.name == a.name))",
            message = "each load balancer may be listed once")
    @ValidationRule(
            value = "self.exists(a, a.weight > 0)",
            message = "at least one load balancer needs a weight above 0")
    private List<LoadBalancerRef> loadBalancers = new ArrayList<>();

    @JsonPropertyDescription(
            "TCP ports offered to consumers; each must exist on every load balancer. Default: the ports all load balancers have.")
    @Size(max = 64)
    @ValidationRule(value = "self.all(p, self.exists_one(q, q == p))", message = "each port may be listed once")
    private List<@Min(1) @Max(65535) Integer> ports;

    @JsonPropertyDescription(
            "Whether each connection waits for the owner's Accept (unless a permission accepts automatically). Default true.")
    @Default("true")
    private Boolean acceptanceRequired = true;

    @JsonPropertyDescription(
            "None, or V2 to send a PROXY protocol v2 header with the client address and the endpoint ID (TLV 0xEA).")
    @Default("None")
    private ProxyProtocol proxyProtocol = ProxyProtocol.None;

    @JsonPropertyDescription(
            "The owner's decisions on connections, by endpoint ID or consumer namespace/name. When several name a connection, the most restrictive wins (Terminate, Reject, Suspend, Accept).")
    @Size(max = 1000)
    private List<ConnectionDecision> connections;

    @JsonPropertyDescription(
            "Enabled (the default): a NetworkPolicy per load balancer admits to its pods, on its target ports,"
                    + " only the forwarders of namespaces with accepted connections. It also shuts out the pods'"
                    + " other clients unless another policy admits them. Disabled: no such policy, and any pod that"
                    + " reaches the load balancer bypasses this service's permissions and decisions.")
    @Default("Enabled")
    private NetworkPolicyMode networkPolicy = NetworkPolicyMode.Enabled;

    @JsonPropertyDescription("Where every connection change (Connect, Accept, Reject, Suspend, Resume, Terminate,"
            + " Delete) is sent as a CloudEvent, at least once, retried with backoff until acknowledged.")
    private NotificationTarget notification;

    public enum NetworkPolicyMode {
        Enabled,
        Disabled;

        /** A value this operator does not know reads as null (see {@link LenientEnum}). */
        @JsonCreator
        public static NetworkPolicyMode of(String value) {
            return LenientEnum.parse(NetworkPolicyMode.class, value);
        }
    }

    public enum ProxyProtocol {
        None,
        V2;

        /** A value this operator does not know reads as null (see {@link LenientEnum}). */
        @JsonCreator
        public static ProxyProtocol of(String value) {
            return LenientEnum.parse(ProxyProtocol.class, value);
        }
    }

    public List<LoadBalancerRef> getLoadBalancers() {
        return loadBalancers;
    }

    public void setLoadBalancers(List<LoadBalancerRef> loadBalancers) {
        this.loadBalancers = loadBalancers;
    }

    public List<Integer> getPorts() {
        return ports;
    }

    public void setPorts(List<Integer> ports) {
        this.ports = ports;
    }

    public Boolean getAcceptanceRequired() {
        return acceptanceRequired;
    }

    public void setAcceptanceRequired(Boolean acceptanceRequired) {
        this.acceptanceRequired = acceptanceRequired;
    }

    public ProxyProtocol getProxyProtocol() {
        return proxyProtocol;
    }

    public void setProxyProtocol(ProxyProtocol proxyProtocol) {
        this.proxyProtocol = proxyProtocol;
    }

    public List<ConnectionDecision> getConnections() {
        return connections;
    }

    public void setConnections(List<ConnectionDecision> connections) {
        this.connections = connections;
    }

    public NotificationTarget getNotification() {
        return notification;
    }

    public void setNotification(NotificationTarget notification) {
        this.notification = notification;
    }

    public NetworkPolicyMode getNetworkPolicy() {
        return networkPolicy;
    }

    public void setNetworkPolicy(NetworkPolicyMode networkPolicy) {
        this.networkPolicy = networkPolicy;
    }

    public boolean acceptanceRequired() {
        return acceptanceRequired == null || acceptanceRequired;
    }
}
