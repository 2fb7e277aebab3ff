package dev.privatelink.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.privatelink.config.OperatorSettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.smallrye.config.WithDefault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The pom's version is the one version: the chart, config/manager, the Dockerfile and the defaults repeat it. */
class OneVersionTest {

    static final String IMAGE = "ghcr.io/kube-privatelink/kube-privatelink";

    static String version;

    @BeforeAll
    static void readThePomVersion() throws Exception {
        Element project = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(file("pom.xml").toFile())
                .getDocumentElement();
        NodeList children = project.getChildNodes();
        String pomVersion = IntStream.range(0, children.getLength())
                .mapToObj(children::item)
                .filter(n ->
                        n.getNodeType() == Node.ELEMENT_NODE && n.getNodeName().equals("version"))
                .map(Node::getTextContent)
                .findFirst()
                .orElseThrow();
        version = pomVersion.strip().replaceFirst("-SNAPSHOT$", "");
        assertThat(version).matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void theChartVersionAndAppVersionAreThePomVersion() throws IOException {
        Map<?, ?> chart = Manifests.SERIALIZATION.unmarshal(
                Files.readString(file("helm/kube-privatelink/Chart.yaml")), Map.class);

        assertThat(String.valueOf(chart.get("version"))).isEqualTo(version);
        assertThat(String.valueOf(chart.get("appVersion"))).isEqualTo(version);
    }

    @Test
    void theManagerRunsAndLabelsThePomVersion() throws IOException {
        Deployment operator = Manifests.parse(Files.readString(file("config/manager/manager.yaml")))
                .get(Deployment.class, "kube-privatelink-operator");
        Container container = operator.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("operator"))
                .findFirst()
                .orElseThrow();

        assertThat(operator.getMetadata().getLabels()).containsEntry("app.kubernetes.io/version", version);
        assertThat(operator.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/version", version);
        assertThat(container.getImage()).isEqualTo(IMAGE + ":" + version);
        assertThat(container.getEnv())
                .filteredOn(e -> e.getName().equals("PRIVATELINK_FORWARDER_IMAGE"))
                .extracting(EnvVar::getValue)
                .containsExactly(IMAGE + ":" + version);
    }

    @Test
    void theDockerfileLabelsThePomVersion() throws IOException {
        String dockerfile = Files.readString(file("Dockerfile"));

        assertThat(dockerfile).contains("org.opencontainers.image.version=\"${VERSION}\"");
        assertThat(argDefaults(dockerfile, "VERSION")).containsExactly(version);
    }

    @Test
    void theForwarderImageDefaultsToThePomVersion() throws NoSuchMethodException {
        WithDefault image = OperatorSettings.Forwarder.class.getMethod("image").getAnnotation(WithDefault.class);

        assertThat(image).isNotNull();
        assertThat(image.value()).isEqualTo(IMAGE + ":" + version);
    }

    /** The defaults of every {@code ARG name=default} line. */
    static List<String> argDefaults(String dockerfile, String name) {
        Matcher m = Pattern.compile("(?m)^ARG\\s+" + Pattern.quote(name) + "=(\\S+)\\s*$")
                .matcher(dockerfile);
        return m.results().map(r -> r.group(1).replace("\"", "")).toList();
    }

    static Path file(String path) {
        return Tools.PROJECT.resolve(path);
    }
}
