package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshPlanTest {

  private static final Path BASE = Path.of("/srv/mesh");

  @Test
  void theLocalMeshPlanOfConfReadsAndRunsEveryVerticle() {
    MeshPlan plan = MeshPlan.read(Path.of("..", "conf", "local-mesh.json"));
    for (VerticleName verticle : VerticleName.values()) {
      assertThat(plan.nodes()).as("a node runs %s", verticle).anyMatch(node -> node.runs(verticle));
    }
    assertThat(plan.embeddedDataDir()).isNotNull();
  }

  @Test
  void eachNodeHasTwoPairsOfPortsOfItsOwnAndTheMembersNameThemAll() {
    MeshPlan plan = MeshPlan.parse(new JsonObject("""
        {"portBase": 20000, "clusterMembers": ["10.0.0.5:5701"],
         "nodes": [{"name": "edge-1", "verticles": "edge"}, {"name": "worker", "verticles": "transcription,render"}]}"""),
        BASE);
    MeshPlan.NodePlan edge = plan.nodes().get(0);
    MeshPlan.NodePlan worker = plan.nodes().get(1);
    assertThat(plan.clusterPort(edge, 1)).isEqualTo(20001);
    assertThat(plan.clusterPort(edge, 2)).isEqualTo(20000);
    assertThat(plan.metricsPort(edge, 1)).isEqualTo(20003);
    assertThat(plan.clusterPort(worker, 1)).isEqualTo(20005);
    assertThat(plan.members()).containsExactly("10.0.0.5:5701", "127.0.0.1:20000", "127.0.0.1:20001",
        "127.0.0.1:20004", "127.0.0.1:20005");
    assertThat(edge.ownsPort()).isTrue();
    assertThat(worker.ownsPort()).isFalse();
    assertThat(plan.controlPort()).isEqualTo(7400);
    assertThat(plan.embeddedDataDir()).isNull();
    assertThat(plan.settleSeconds()).isEqualTo(3);
  }

  @Test
  void aWorkerWhoseEnvironmentFixesAPortIsDrainedBeforeItsReplacementStarts() {
    MeshPlan plan = MeshPlan.parse(new JsonObject("""
        {"nodes": [{"name": "w", "verticles": "render", "environment": {"ATELIER_METRICS_PORT": 9100}}]}"""), BASE);
    assertThat(plan.nodes().get(0).ownsPort()).isTrue();
    assertThat(plan.nodes().get(0).environment()).containsEntry("ATELIER_METRICS_PORT", "9100");
  }

  @Test
  void relativePathsAreTakenFromThePlansFolder(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("plan.json");
    Files.writeString(file, """
        {"embedded": {"dataDir": "data"}, "config": ["../prod.json"], "nodes": [{"name": "e", "verticles": "edge"}]}""");
    MeshPlan plan = MeshPlan.read(file);
    assertThat(plan.embeddedDataDir()).isEqualTo(dir.resolve("data"));
    assertThat(plan.configFiles()).containsExactly(dir.getParent().resolve("prod.json"));
  }

  @Test
  void aBadPlanIsRefusedNamingTheField() {
    assertRefused("{}", "nodes: give at least one node");
    assertRefused("{\"nodes\": [{\"name\": \"a\", \"verticles\": \"edge,painting\"}]}",
        "nodes[0].verticles: unknown verticle 'painting'");
    assertRefused("{\"nodes\": [{\"name\": \"a\", \"verticles\": \"edge\"}, {\"name\": \"a\", \"verticles\": \"render\"}]}",
        "nodes[1].name: 'a' is the name of another node");
    assertRefused("{\"nodes\": [{\"name\": \"a b\", \"verticles\": \"edge\"}]}", "nodes[0].name: 'a b' must be");
    assertRefused("{\"nodes\": [{\"verticles\": \"edge\"}]}", "nodes[0].name: must be a non-empty string");
    assertRefused("{\"nodes\": [{\"name\": \"a\", \"verticles\": \"edge\", \"replicas\": 2}]}",
        "nodes[0].replicas: unknown field");
    assertRefused("{\"portBase\": 80, \"nodes\": [{\"name\": \"a\", \"verticles\": \"edge\"}]}",
        "portBase: must be a whole number from 1024 to 65000, not 80");
    assertRefused("{\"control\": {\"port\": \"x\"}, \"nodes\": [{\"name\": \"a\", \"verticles\": \"edge\"}]}",
        "control.port: must be a whole number");
    assertRefused("{\"settleSeconds\": -1, \"nodes\": [{\"name\": \"a\", \"verticles\": \"edge\"}]}",
        "settleSeconds: must be a whole number from 0 to 600");
    assertRefused("{\"javaOptions\": \"-Xmx1g\", \"nodes\": [{\"name\": \"a\", \"verticles\": \"edge\"}]}",
        "javaOptions: must be a list of strings");
    assertRefused("{\"environment\": {\"A-B\": \"1\"}, \"nodes\": [{\"name\": \"a\", \"verticles\": \"edge\"}]}",
        "environment.A-B: must be a variable name");
    assertRefused("{\"nodes\": [{\"name\": \"a\", \"verticles\": \"edge\", \"environment\": {\"X\": {}}}]}",
        "nodes[0].environment.X: must be a variable name with a string value");
  }

  @Test
  void aFileThatIsNotJsonIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("plan.json");
    Files.writeString(file, "nodes: [edge]");
    assertThatThrownBy(() -> MeshPlan.read(file)).hasMessageContaining("the plan " + file + " is not a JSON object");
    assertThatThrownBy(() -> MeshPlan.read(dir.resolve("missing.json"))).hasMessageContaining("cannot read the plan");
  }

  private static void assertRefused(String json, String message) {
    assertThatThrownBy(() -> MeshPlan.parse(new JsonObject(json), BASE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }
}
