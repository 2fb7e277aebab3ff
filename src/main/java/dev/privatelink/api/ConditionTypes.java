package dev.privatelink.api;

/** Condition types and reasons shared by the three resources (Gateway API names where they fit). */
public final class ConditionTypes {
    private ConditionTypes() {}

    /** The object is fit for purpose. Argo CD and kstatus read this one. */
    public static final String READY = "Ready";
    /** The spec makes sense and is within limits. */
    public static final String ACCEPTED = "Accepted";
    /** What the spec points at exists and can be used. */
    public static final String RESOLVED_REFS = "ResolvedRefs";
    /** Which workloads of the consumer namespace may use an endpoint (its policy and the owner's restriction). */
    public static final String WORKLOADS_ADMITTED = "WorkloadsAdmitted";
    /**
     * On an endpoint, False while its forwarder lacks its routes because the API server refused
     * the forwarder's config (SEC-03); absent otherwise, as the operator knows the config is
     * stored, not that every forwarder pod has applied it.
     */
    public static final String DATA_PLANE_SYNCED = "DataPlaneSynced";
    /**
     * On a ClusterPeer: whether this cluster's operator keeps the certificates of its gateway and
     * forwarders renewed (False with the reason while rotation is blocked: the runway then runs down).
     */
    public static final String CERTIFICATES_READY = "CertificatesReady";

    public static final class Reasons {
        private Reasons() {}

        public static final String ACCEPTED = "Accepted";
        /** The stored spec holds what the operator cannot act on (a value it does not know, a broken selector). */
        public static final String INVALID_SPEC = "InvalidSpec";

        public static final String RESOLVED = "Resolved";
        public static final String READY = "Ready";
        public static final String AVAILABLE = "Available";

        // EndpointService
        public static final String LOAD_BALANCER_NOT_FOUND = "LoadBalancerNotFound";
        public static final String LOAD_BALANCER_IN_USE = "LoadBalancerInUse";
        public static final String LOAD_BALANCER_NOT_SUPPORTED = "LoadBalancerNotSupported";
        public static final String PORT_NOT_FOUND = "PortNotFound";
        public static final String UNRESOLVED_REFS = "UnresolvedRefs";

        // ServicePermission
        public static final String ENDPOINT_SERVICE_NOT_FOUND = "EndpointServiceNotFound";

        // InterfaceEndpoint
        public static final String SERVICE_NOT_FOUND = "ServiceNotFound";
        public static final String SERVICE_DELETED = "ServiceDeleted";
        public static final String SERVICE_NOT_READY = "ServiceNotReady";
        public static final String PORT_NOT_OFFERED = "PortNotOffered";
        public static final String QUOTA_EXCEEDED = "QuotaExceeded";
        public static final String PENDING_ACCEPTANCE = "PendingAcceptance";
        public static final String REJECTED = "Rejected";
        public static final String SUSPENDED = "Suspended";
        public static final String TERMINATED = "Terminated";
        public static final String NO_LISTENER_PORT = "NoListenerPort";
        public static final String LISTENER_PORT_PENDING = "ListenerPortPending";
        public static final String NO_READY_FORWARDER = "NoReadyForwarder";
        /** Every pod of the consumer namespace may use the endpoint. */
        public static final String ALL_WORKLOADS = "AllWorkloads";
        /** Only some workloads may: the endpoint's policy, the owner's restriction, or both. */
        public static final String WORKLOAD_POLICY = "WorkloadPolicy";
        /** The policies leave no workload that may use the endpoint: the forwarder refuses every connection. */
        public static final String NO_WORKLOAD_ADMITTED = "NoWorkloadAdmitted";
        /** The API server refused the forwarder config that has the endpoint's routes. */
        public static final String FORWARDER_CONFIG_REJECTED = "ForwarderConfigRejected";
        /** An object the operator needs to create exists and was not created by it. */
        public static final String OBJECT_CONFLICT = "ObjectConflict";

        // InterfaceEndpoint across clusters
        /** spec.serviceCluster names no ClusterPeer. */
        public static final String PEER_NOT_FOUND = "PeerNotFound";
        /** The ClusterPeer is not enrolled, has no gateway address, or is suspended. */
        public static final String PEER_NOT_READY = "PeerNotReady";
        /** The ClusterPeer's consumerNamespaces leave this namespace out. */
        public static final String PEER_NOT_ALLOWED = "PeerNotAllowed";
        /** The provider cluster has not answered for this endpoint yet. */
        public static final String AWAITING_PROVIDER = "AwaitingProvider";
        /** The provider cluster recorded the endpoint and has not decided yet. */
        public static final String RECORDED_BY_PROVIDER = "RecordedByProvider";
        // ClusterPeer, CertificatesReady
        /** The gateway's and forwarders' certificates are issued and renewed on time. */
        public static final String CERTIFICATES_ISSUED = "Issued";
        /** The API server refused to store an issued certificate (RBAC, a quota, an admission policy). */
        public static final String CERTIFICATE_WRITE_REFUSED = "CertificateWriteRefused";
    }
}
