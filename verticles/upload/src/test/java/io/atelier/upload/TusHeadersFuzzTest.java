package io.atelier.upload;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.json.JsonObject;

/**
 * Coverage-guided fuzzing of the tus headers a client sends ({@code Upload-Metadata}, {@code Upload-Checksum},
 * {@code Upload-Offset} and {@code Upload-Length}): each parses or is refused with a {@code 400}, and metadata that
 * parses is given back by HEAD as a header that parses to the same pairs.
 */
class TusHeadersFuzzTest {

  @FuzzTest(maxDuration = "5s")
  void everyHeaderParsesOrIsA400(FuzzedDataProvider data) {
    String number = data.consumeString(40);
    String checksum = data.consumeString(200);
    String metadata = data.consumeRemainingAsString();
    try {
      Long parsed = TusProtocol.number(TusProtocol.OFFSET, number);
      assertThat(parsed).isNotNull().isNotNegative();
    } catch (TusException refused) {
      assertThat(refused.status()).isEqualTo(400);
    }
    try {
      TusProtocol.checksum(checksum);
    } catch (TusException refused) {
      assertThat(refused.status()).isEqualTo(400);
    }
    JsonObject pairs;
    try {
      pairs = TusProtocol.metadata(metadata);
    } catch (TusException refused) {
      assertThat(refused.status()).isEqualTo(400);
      return;
    }
    assertThat(TusProtocol.metadata(TusProtocol.metadataHeader(pairs))).isEqualTo(pairs);
    for (String key : pairs.fieldNames()) {
      try {
        TusProtocol.metadataValue(pairs, key);
      } catch (TusException refused) {
        assertThat(refused.status()).isEqualTo(400);
      }
    }
  }
}
