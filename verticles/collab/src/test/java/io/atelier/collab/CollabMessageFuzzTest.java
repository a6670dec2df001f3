package io.atelier.collab;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the y-websocket message parser: any frame decodes or is refused with
 * {@link MalformedMessageException}, and a message that decodes encodes back to a frame that decodes to the same.
 */
class CollabMessageFuzzTest {

  @FuzzTest(maxDuration = "5s")
  void aFrameDecodesOrIsRefusedAndWhatDecodesEncodesTheSame(byte[] frame) {
    CollabMessage message;
    try {
      message = CollabMessage.decode(frame);
    } catch (MalformedMessageException refused) {
      return;
    }
    byte[] encoded = message.encode();
    assertThat(CollabMessage.decode(encoded).encode()).isEqualTo(encoded);
  }
}
