package dev.privatelink.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.privatelink.api.EndpointService;
import dev.privatelink.api.InterfaceEndpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableViewTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    private static final String ENDPOINT = "{'metadata':{'name':'payments','namespace':'shop',"
            + "'creationTimestamp':'2026-01-01T00:00:00Z','resourceVersion':'7'},"
            + "'spec':{'serviceName':'vpce-svc-1'},'status':{'state':'Available','address':'127.0.2.2',"
            + "'availableConnections':2,'conditions':[{'type':'Accepted','status':'True'},"
            + "{'type':'Ready','status':'False','reason':'NoPods'}]}}";

    @Test
    void evaluatesFieldPathsAndConditionFilters() throws Exception {
        JsonNode object = json(ENDPOINT);
        assertThat(TableView.evaluate(object, ".status.state").asText()).isEqualTo("Available");
        assertThat(TableView.evaluate(object, ".status.availableConnections").intValue())
                .isEqualTo(2);
        assertThat(TableView.evaluate(object, ".status.conditions[?(@.type==\"Ready\")].status")
                        .asText())
                .isEqualTo("False");
        assertThat(TableView.evaluate(object, ".status.conditions[?(@.type=='Accepted')].status")
                        .asText())
                .isEqualTo("True");
        assertThat(TableView.evaluate(object, ".status.conditions[1].reason").asText())
                .isEqualTo("NoPods");
        assertThat(TableView.evaluate(object, "{.metadata.name}").asText()).isEqualTo("payments");
    }

    @Test
    void aMissingValueIsNull() throws Exception {
        JsonNode object = json(ENDPOINT);
        assertThat(TableView.evaluate(object, ".status.endpointId")).isNull();
        assertThat(TableView.evaluate(object, ".spec.ports.port")).isNull();
        assertThat(TableView.evaluate(object, ".status.conditions[?(@.type==\"Gone\")].status"))
                .isNull();
        assertThat(TableView.evaluate(object, ".status.state.deeper")).isNull();
        assertThat(TableView.evaluate(json("{}"), ".status.conditions[?(@.type==\"Ready\")].status"))
                .isNull();
    }

    @Test
    void refusesWhatItDoesNotSupport() {
        assertThatThrownBy(() -> TableView.evaluate(json("{}"), ".items[*].name"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aListBecomesATableWithNameAndTheCrdsPrinterColumns() throws Exception {
        JsonNode list = json("{'kind':'List','metadata':{'resourceVersion':'9'},'items':[" + ENDPOINT + "]}");
        JsonNode table = TableView.table(
                list, TableView.columns(InterfaceEndpoint.class), Instant.parse("2026-01-01T00:05:10Z"));

        assertThat(table.get("kind").asText()).isEqualTo("Table");
        assertThat(table.get("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
        assertThat(table.at("/metadata/resourceVersion").asText()).isEqualTo("9");
        assertThat(table.get("columnDefinitions").findValuesAsText("name"))
                .containsExactly("Name", "Service", "State", "Address", "Endpoint ID", "Age");
        assertThat(table.get("columnDefinitions").findValues("priority"))
                .extracting(JsonNode::intValue)
                .containsExactly(0, 0, 0, 0, 1, 0);
        JsonNode row = table.at("/rows/0");
        assertThat(row.get("cells")).isEqualTo(json("['payments','vpce-svc-1','Available','127.0.2.2',null,'5m10s']"));
        assertThat(row.at("/object/kind").asText()).isEqualTo("PartialObjectMetadata");
        assertThat(row.at("/object/metadata/namespace").asText()).isEqualTo("shop");
    }

    @Test
    void anObjectBecomesATableOfOneRow() throws Exception {
        JsonNode table = TableView.table(
                json(ENDPOINT), TableView.columns(EndpointService.class), Instant.parse("2026-01-03T01:00:00Z"));
        assertThat(table.get("columnDefinitions").findValuesAsText("name"))
                .containsExactly("Name", "Service Name", "Available", "Pending", "Ready", "Age");
        assertThat(table.get("rows")).hasSize(1);
        assertThat(table.at("/rows/0/cells")).isEqualTo(json("['payments',null,2,null,'False','2d1h']"));
    }

    @Test
    void builtInKindsGetNameAndAge() throws Exception {
        JsonNode table = TableView.table(
                json("{'items':[{'metadata':{'name':'a','creationTimestamp':" + "'2026-01-01T00:00:00Z'}}]}"),
                List.of(TableView.NAME, TableView.AGE),
                Instant.parse("2026-01-01T00:00:30Z"));
        assertThat(table.at("/rows/0/cells")).isEqualTo(json("['a','30s']"));
    }

    @Test
    void builtInKindsGetTheColumnsKubeApiserverPrints() throws Exception {
        Instant now = Instant.parse("2026-01-01T00:01:00Z");
        JsonNode pod = json("{'metadata':{'name':'p','creationTimestamp':'2026-01-01T00:00:00Z'},"
                + "'spec':{'containers':[{'name':'a'},{'name':'b'}],'nodeName':'n'},"
                + "'status':{'phase':'Running','podIP':'127.0.1.2','containerStatuses':["
                + "{'name':'a','ready':true,'restartCount':2},{'name':'b','ready':false,'restartCount':1,"
                + "'state':{'waiting':{'reason':'CrashLoopBackOff'}}}]}}");
        assertThat(TableView.table(pod, BuiltInColumns.PODS, now).at("/rows/0/cells"))
                .isEqualTo(json("['p','1/2','CrashLoopBackOff','3','60s','127.0.1.2','n','<none>','<none>']"));

        JsonNode service = json("{'metadata':{'name':'s','creationTimestamp':'2026-01-01T00:00:00Z'},"
                + "'spec':{'type':'LoadBalancer','clusterIP':'127.0.2.1','selector':{'app':'x'},"
                + "'ports':[{'port':80,'nodePort':30080,'protocol':'TCP'},{'port':53,'protocol':'UDP'}]}}");
        assertThat(TableView.table(service, BuiltInColumns.SERVICES, now).at("/rows/0/cells"))
                .isEqualTo(json("['s','LoadBalancer','127.0.2.1','<pending>','80:30080/TCP,53/UDP','60s','app=x']"));

        JsonNode event = json("{'metadata':{'name':'e'},'type':'Warning','reason':'Failed','message':'m',"
                + "'lastTimestamp':'2026-01-01T00:00:30Z','firstTimestamp':'2026-01-01T00:00:00Z','count':3,"
                + "'source':{'component':'kube-privatelink'},"
                + "'involvedObject':{'kind':'InterfaceEndpoint','name':'payments'}}");
        // compared as text: a count is a long here, an int when parsed
        assertThat(TableView.table(event, BuiltInColumns.EVENTS, now).at("/rows/0/cells"))
                .hasToString(json("['30s','Warning','Failed','interfaceendpoint/payments','','kube-privatelink','m',"
                                + "'60s',3,'e']")
                        .toString());
    }

    @Test
    void agesReadAsKubernetesPrintsThem() {
        assertThat(TableView.humanDuration(Duration.ofSeconds(-5))).isEqualTo("<invalid>");
        assertThat(TableView.humanDuration(Duration.ofMillis(-500))).isEqualTo("0s");
        assertThat(TableView.humanDuration(Duration.ofSeconds(119))).isEqualTo("119s");
        assertThat(TableView.humanDuration(Duration.ofSeconds(125))).isEqualTo("2m5s");
        assertThat(TableView.humanDuration(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(TableView.humanDuration(Duration.ofMinutes(150))).isEqualTo("150m");
        assertThat(TableView.humanDuration(Duration.ofMinutes(4 * 60 + 7))).isEqualTo("4h7m");
        assertThat(TableView.humanDuration(Duration.ofHours(30))).isEqualTo("30h");
        assertThat(TableView.humanDuration(Duration.ofHours(3 * 24 + 2))).isEqualTo("3d2h");
        assertThat(TableView.humanDuration(Duration.ofDays(40))).isEqualTo("40d");
        assertThat(TableView.humanDuration(Duration.ofDays(365 * 3 + 4))).isEqualTo("3y4d");
        assertThat(TableView.humanDuration(Duration.ofDays(365 * 10))).isEqualTo("10y");
    }
}
