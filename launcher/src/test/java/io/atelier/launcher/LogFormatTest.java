package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atelier.correlation.RequestIds;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** log.format: text unless told otherwise, json from a file or the environment, and nothing else. */
class LogFormatTest {

  @Test
  void textIsTheDefault() {
    assertThat(LogFormat.from(new JsonObject())).isEqualTo(LogFormat.TEXT);
    assertThat(LogFormat.from(new JsonObject().put("log", new JsonObject()))).isEqualTo(LogFormat.TEXT);
    assertThat(LogFormat.fromEnvironment(Map.of("HOME", "/root"))).isEqualTo(LogFormat.TEXT);
  }

  @Test
  void jsonIsSetByAConfigurationFileOrByTheEnvironmentWhichWins(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("node.json"), "{\"log\":{\"format\":\"json\"}}");
    assertThat(LogFormat.from(MeshConfigLoader.load(List.of(file), Map.of()))).isEqualTo(LogFormat.JSON);
    assertThat(LogFormat.from(MeshConfigLoader.load(List.of(file), Map.of("ATELIER_LOG_FORMAT", "text"))))
        .isEqualTo(LogFormat.TEXT);
    assertThat(LogFormat.fromEnvironment(Map.of("ATELIER_LOG_FORMAT", "json"))).isEqualTo(LogFormat.JSON);
  }

  @Test
  void anyOtherValueIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> LogFormat.fromEnvironment(Map.of("ATELIER_LOG_FORMAT", "xml")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("log.format must be text or json, was 'xml'");
    assertThatThrownBy(() -> LogFormat.from(new JsonObject().put("log", new JsonObject().put("format", 1))))
        .hasMessage("log.format must be text or json, was '1'");
    assertThatThrownBy(() -> LogFormat.from(new JsonObject().put("log", "json")))
        .hasMessageStartingWith("log must be an object");
  }

  @Test
  void jsonLinesAreOneObjectEachWithTheRequestIdAndTextLinesSayReqOnlyWhenThereIsOne() throws Exception {
    Vertx vertx = Vertx.vertx();
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      LogFormat.JSON.apply();
      logFor(vertx, "chaos-json", "a \"quoted\" line");
      LogFormat.TEXT.apply();
      logFor(vertx, "chaos-text", "a text line");
      logFor(vertx, null, "a line outside any request");
    } finally {
      LogFormat.TEXT.apply();
      System.setOut(stdout);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(3);
    JsonObject json = new JsonObject(lines.get(0));
    assertThat(json.getString("formattedMessage")).isEqualTo("a \"quoted\" line");
    assertThat(json.getString("level")).isEqualTo("INFO");
    assertThat(json.getString("loggerName")).isEqualTo(LogFormatTest.class.getName());
    assertThat(json.getJsonObject("mdc").getString("requestId")).isEqualTo("chaos-json");
    assertThat(json.getLong("timestamp")).isPositive();
    assertThat(lines.get(1)).contains("] req=chaos-text a text line");
    assertThat(lines.get(2)).endsWith("] a line outside any request").doesNotContain("req=");
  }

  /** Logs {@code message} on a Vert.x context working for {@code requestId}, as a request's handler would. */
  private static void logFor(Vertx vertx, String requestId, String message) throws Exception {
    CompletableFuture<Void> logged = new CompletableFuture<>();
    Context base = vertx.getOrCreateContext();
    base.runOnContext(v -> RequestIds.runOn(RequestIds.scoped(base, requestId), () -> {
      LoggerFactory.getLogger(LogFormatTest.class).info(message);
      logged.complete(null);
    }));
    logged.get(10, TimeUnit.SECONDS);
  }
}
