package io.atelier.transcription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atelier.outbound.AddressBlock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The remote engine's address, checked when a node reads its configuration, before any worker starts. */
class TranscriptionConfigTest {

  private static final String POLICY = "; remote engines may only be called at public addresses unless "
      + "transcription.allowedNetworks lists their network";

  private static JsonObject remoteEngineAt(String baseUrl, String... allowedNetworks) {
    JsonObject section = new JsonObject().put("engine", "openai-compatible").put("baseUrl", baseUrl);
    if (allowedNetworks.length > 0) {
      section.put("allowedNetworks", new JsonArray(List.of((Object[]) allowedNetworks)));
    }
    return new JsonObject().put("transcription", section);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "http://169.254.169.254/v1      | transcription.baseUrl names 169.254.169.254, a link-local address",
      "http://10.0.0.5:8000/v1        | transcription.baseUrl names 10.0.0.5, a private address",
      "http://localhost:8000/v1       | transcription.baseUrl host localhost is a loopback name (always this host, "
          + "127.0.0.1)",
      "http://[::ffff:127.0.0.1]/v1   | transcription.baseUrl host [::ffff:127.0.0.1] is 127.0.0.1, a loopback address",
      "http://printer.local/v1        | transcription.baseUrl host printer.local is a .local name, which only a "
          + "private network resolves",
  })
  void aRemoteEngineInsideTheNetworkIsRefusedAtStartNamingTheKey(String baseUrl, String reason) {
    assertThatThrownBy(() -> TranscriptionConfig.from(remoteEngineAt(baseUrl)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(reason + POLICY);
    // What a transcription worker reads first as it starts.
    assertThatThrownBy(() -> new TranscriptionHandlerFactory().workerConfig(remoteEngineAt(baseUrl)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(reason + POLICY);
  }

  @ParameterizedTest(name = "{1} allowed by {0}")
  @CsvSource({
      "169.254.0.0/16, http://169.254.169.254/v1",
      "10.0.0.0/8,     http://10.0.0.5:8000/v1",
      "10.0.0.5/32,    http://10.0.0.5:8000/v1",
      "127.0.0.0/8,    http://localhost:8000/v1",
      "127.0.0.0/8,    http://127.0.0.1:8000/v1",
  })
  void aRemoteEngineInsideIsAcceptedWhenItsNetworkIsAllowed(String network, String baseUrl) {
    TranscriptionConfig config = TranscriptionConfig.from(remoteEngineAt(baseUrl, network));
    assertThat(config.remote().baseUrl()).isEqualTo(baseUrl);
    assertThat(config.remote().allowedNetworks()).map(AddressBlock::toString).containsExactly(network);
  }

  @Test
  void theWebhooksAllowedNetworksOpenNothingForTheEngine() {
    JsonObject config = remoteEngineAt("http://10.0.0.5:8000/v1")
        .put("webhooks", new JsonObject().put("allowedNetworks", new JsonArray().add("10.0.0.0/8")));
    assertThatThrownBy(() -> TranscriptionConfig.from(config))
        .hasMessage("transcription.baseUrl names 10.0.0.5, a private address" + POLICY);
    JsonObject otherBlock = remoteEngineAt("http://10.0.0.5:8000/v1", "10.1.0.0/16", "127.0.0.0/8");
    assertThatThrownBy(() -> TranscriptionConfig.from(otherBlock))
        .hasMessage("transcription.baseUrl names 10.0.0.5, a private address" + POLICY);
  }

  @Test
  void aPublicEngineNeedsNoAllowedNetworkAndVoskCallsNoUrl() {
    assertThat(TranscriptionConfig.from(remoteEngineAt("https://api.openai.com/v1")).remote().allowedNetworks())
        .isEmpty();
    JsonObject vosk = remoteEngineAt("http://10.0.0.5:8000/v1");
    vosk.getJsonObject("transcription").put("engine", "vosk");
    assertThat(TranscriptionConfig.from(vosk).engine()).isEqualTo("vosk");
  }

  @Test
  void aBaseUrlWithCredentialsOrAnAllowedNetworkThatIsNoBlockIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> TranscriptionConfig.from(remoteEngineAt("https://user:sk-secret@api.example.com/v1")))
        .hasMessage("transcription.baseUrl must not carry user information (name:password@ before the host); the "
            + "engine's key goes in transcription.apiKey");
    assertThatThrownBy(() -> TranscriptionConfig.from(remoteEngineAt("http://127.0.0.1:8000/v1", "localhost")))
        .hasMessage("transcription.allowedNetworks entries must be CIDR blocks such as 127.0.0.0/8, was 'localhost': "
            + "'localhost' is not an IPv4 or IPv6 address");
  }
}
