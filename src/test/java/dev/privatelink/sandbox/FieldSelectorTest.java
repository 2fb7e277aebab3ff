package dev.privatelink.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class FieldSelectorTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode event() throws Exception {
        return JSON.readTree("{\"type\":\"Normal\",\"involvedObject\":{\"kind\":\"InterfaceEndpoint\","
                + "\"name\":\"payments\",\"namespace\":\"shop\",\"uid\":\"u1\"}}");
    }

    @Test
    void everyRequirementMustHold() throws Exception {
        Predicate<JsonNode> describe = FieldSelector.parse("involvedObject.name=payments,involvedObject.namespace=shop,"
                + "involvedObject.kind=InterfaceEndpoint,involvedObject.uid=u1");
        assertThat(describe.test(event())).isTrue();
        assertThat(FieldSelector.parse("involvedObject.name==payments,involvedObject.uid=u2")
                        .test(event()))
                .isFalse();
    }

    @Test
    void notEqualAndMissingFields() throws Exception {
        assertThat(FieldSelector.parse("type!=Warning").test(event())).isTrue();
        assertThat(FieldSelector.parse("type!=Normal").test(event())).isFalse();
        // a field the object does not have is ""
        assertThat(FieldSelector.parse("involvedObject.fieldPath=").test(event()))
                .isTrue();
        assertThat(FieldSelector.parse(null).test(event())).isTrue();
    }

    @Test
    void aRequirementWithoutAnOperatorIsRefused() {
        assertThatThrownBy(() -> FieldSelector.parse("involvedObject.name"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
