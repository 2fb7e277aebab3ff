package dev.privatelink.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class MergePatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    private static JsonNode apply(String target, String patch) throws Exception {
        return MergePatch.apply(json(target), json(patch));
    }

    @Test
    void listsAreReplacedNotAppendedTo() throws Exception {
        assertThat(apply(
                        "{'spec':{'connections':[{'endpointId':'a','decision':'Suspend'}],'proxyProtocol':'V2'}}",
                        "{'spec':{'connections':[{'endpointId':'b','decision':'Accept'}]}}"))
                .isEqualTo(
                        json("{'spec':{'connections':[{'endpointId':'b','decision':'Accept'}],'proxyProtocol':'V2'}}"));
    }

    @Test
    void nullDeletesAKeyAndObjectsMergeRecursively() throws Exception {
        assertThat(
                        apply(
                                "{'metadata':{'name':'x','labels':{'a':'1','b':'2'}},'spec':{'connections':[1]}}",
                                "{'metadata':{'labels':{'a':null,'c':'3'}},'spec':{'connections':null},'status':{'state':'Available'}}"))
                .isEqualTo(json("{'metadata':{'name':'x','labels':{'b':'2','c':'3'}},'spec':{},"
                        + "'status':{'state':'Available'}}"));
    }

    @Test
    void theRfc7386Examples() throws Exception {
        // RFC 7386, appendix A (a selection)
        assertThat(apply("{'a':'b'}", "{'a':'c'}")).isEqualTo(json("{'a':'c'}"));
        assertThat(apply("{'a':'b'}", "{'b':'c'}")).isEqualTo(json("{'a':'b','b':'c'}"));
        assertThat(apply("{'a':'b','b':'c'}", "{'a':null}")).isEqualTo(json("{'b':'c'}"));
        assertThat(apply("{'a':[{'b':'c'}]}", "{'a':[1]}")).isEqualTo(json("{'a':[1]}"));
        assertThat(apply("['a','b']", "['c','d']")).isEqualTo(json("['c','d']"));
        assertThat(apply("{'a':'b'}", "['c']")).isEqualTo(json("['c']"));
        assertThat(apply("{'e':null}", "{'a':1}")).isEqualTo(json("{'e':null,'a':1}"));
        assertThat(apply("[1,2]", "{'a':'b','c':null}")).isEqualTo(json("{'a':'b'}"));
        assertThat(apply("{}", "{'a':{'bb':{'ccc':null}}}")).isEqualTo(json("{'a':{'bb':{}}}"));
    }

    @Test
    void leavesItsArgumentsAlone() throws Exception {
        JsonNode target = json("{'a':{'b':[1]}}");
        JsonNode patch = json("{'a':{'b':[2],'c':null}}");
        MergePatch.apply(target, patch);
        assertThat(target).isEqualTo(json("{'a':{'b':[1]}}"));
        assertThat(patch).isEqualTo(json("{'a':{'b':[2],'c':null}}"));
    }
}
