package dev.privatelink.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.desired.SpecProblems;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/**
 * What the API server may store reads without failing: an informer that cannot read one object
 * stops for every object of its kind.
 */
class ModelToleranceTest {

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private static <T> T read(String json, Class<T> type) {
        return JSON.unmarshal(json, type);
    }

    @Test
    void aDecisionThisOperatorDoesNotKnowReadsAsUnknownAndIsReported() {
        EndpointService es = read("""
                {"apiVersion":"privatelink.dev/v1alpha1","kind":"EndpointService","metadata":{"name":"api"},
                 "spec":{"loadBalancers":[{"name":"api"}],
                         "connections":[{"consumer":"shop/api","decision":"Maybe"},
                                        {"consumer":"shop/web","decision":"Accept"}]}}""", EndpointService.class);

        assertThat(es.getSpec().getConnections().get(0).getDecision()).isNull();
        assertThat(es.getSpec().getConnections().get(1).getDecision()).isEqualTo(ConnectionDecision.Decision.Accept);
        assertThat(SpecProblems.of(es.getSpec()))
                .singleElement()
                .asString()
                .startsWith("spec.connections[0].decision: not a value this operator knows");
    }

    @Test
    void aProxyProtocolThisOperatorDoesNotKnowReadsAsUnknownAndIsReported() {
        EndpointService es = read("""
                {"apiVersion":"privatelink.dev/v1alpha1","kind":"EndpointService","metadata":{"name":"api"},
                 "spec":{"loadBalancers":[{"name":"api"}],"proxyProtocol":"V3"}}""", EndpointService.class);

        assertThat(es.getSpec().getProxyProtocol()).isNull();
        assertThat(SpecProblems.of(es.getSpec())).singleElement().asString().startsWith("spec.proxyProtocol");
    }

    @Test
    void anAbsentProxyProtocolIsTheDefaultNotAProblem() {
        EndpointService es = read("""
                {"apiVersion":"privatelink.dev/v1alpha1","kind":"EndpointService","metadata":{"name":"api"},
                 "spec":{"loadBalancers":[{"name":"api"}]}}""", EndpointService.class);

        assertThat(es.getSpec().getProxyProtocol()).isEqualTo(EndpointServiceSpec.ProxyProtocol.None);
        assertThat(SpecProblems.of(es.getSpec())).isEmpty();
    }

    @Test
    void unknownFieldsAreIgnored() {
        InterfaceEndpoint ep = read("""
                {"apiVersion":"privatelink.dev/v1alpha1","kind":"InterfaceEndpoint","metadata":{"name":"api"},
                 "spec":{"serviceName":"vpce-svc-0123456789abcdef0","colour":"blue"},
                 "status":{"state":"Available","futureField":{"a":1}}}""", InterfaceEndpoint.class);

        assertThat(ep.getSpec().getServiceName()).isEqualTo("vpce-svc-0123456789abcdef0");
        assertThat(ep.getStatus().getState()).isEqualTo(ConnectionState.Available);
    }

    @Test
    void aStateWrittenByANewerOperatorReadsAsUnknown() {
        InterfaceEndpoint ep = read("""
                {"apiVersion":"privatelink.dev/v1alpha1","kind":"InterfaceEndpoint","metadata":{"name":"api"},
                 "spec":{"serviceName":"vpce-svc-0123456789abcdef0"},"status":{"state":"Degraded"}}""", InterfaceEndpoint.class);

        assertThat(ep.getStatus().getState()).isNull();
    }

    @Test
    void aMissingSpecIsReportedNotAFailure() {
        EndpointService es = read("""
                {"apiVersion":"privatelink.dev/v1alpha1","kind":"EndpointService","metadata":{"name":"api"}}""", EndpointService.class);

        assertThat(SpecProblems.of(es.getSpec())).containsExactly("spec: required");
    }
}
