package io.atelier.collab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The frames y-websocket clients send and read, byte for byte as y-protocols and lib0 write them. */
class CollabMessageTest {

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  @Test
  void syncStepOneOfAnEmptyDocumentIsWhatYProtocolsWrites() {
    // writeVarUint(0 sync) writeVarUint(0 step 1) writeVarUint8Array([0]): an empty state vector.
    assertThat(new CollabMessage.SyncStep1(bytes(0)).encode()).containsExactly(0, 0, 1, 0);
    assertThat(CollabMessage.decode(bytes(0, 0, 1, 0))).isInstanceOf(CollabMessage.SyncStep1.class);
  }

  @Test
  void everyMessageReadsBackAsWritten() {
    byte[] update = new byte[300];
    new Random(7).nextBytes(update);
    for (CollabMessage message : new CollabMessage[] {new CollabMessage.SyncStep1(update),
        new CollabMessage.SyncStep2(update), new CollabMessage.Update(update), new CollabMessage.Awareness(update),
        new CollabMessage.QueryAwareness(), new CollabMessage.PermissionDenied("read-only: é ✓")}) {
      CollabMessage read = CollabMessage.decode(message.encode());
      assertThat(read.getClass()).isEqualTo(message.getClass());
      assertThat(read.encode()).containsExactly(message.encode());
    }
    // A 300-byte payload has a two-byte length: 300 = 0b10_0101100 -> 0xAC 0x02.
    assertThat(new CollabMessage.Update(update).encode()).startsWith(0, 2, 0xAC, 0x02);
  }

  @Test
  void thePermissionDeniedMessageIsYProtocolsAuthMessage() {
    // messageAuth (2), messagePermissionDenied (0), then the reason as a lib0 string.
    assertThat(new CollabMessage.PermissionDenied("no").encode()).containsExactly(2, 0, 2, 'n', 'o');
  }

  @Test
  void malformedFramesAreRefusedNamingWhatIsWrong() {
    assertThatThrownBy(() -> CollabMessage.decode(bytes())).hasMessageContaining("truncated");
    assertThatThrownBy(() -> CollabMessage.decode(bytes(0x80, 0x80))).hasMessageContaining("truncated");
    assertThatThrownBy(() -> CollabMessage.decode(bytes(9))).hasMessage("unknown message type 9");
    assertThatThrownBy(() -> CollabMessage.decode(bytes(0, 7, 0))).hasMessage("unknown sync message type 7");
    assertThatThrownBy(() -> CollabMessage.decode(bytes(0, 2, 5, 1, 2))).hasMessageContaining("declares 5 bytes");
    assertThatThrownBy(() -> CollabMessage.decode(bytes(0, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1)))
        .hasMessageContaining("over 53 bits");
    assertThatThrownBy(() -> CollabMessage.decode(bytes(0, 2, 1, 0, 0))).hasMessage("bytes after the end of the message");
    assertThatThrownBy(() -> CollabMessage.decode(bytes(2, 0, 1, 0xff))).hasMessageContaining("not UTF-8");
  }

  @Test
  void randomBytesNeverThrowAnythingButAMalformedMessage() {
    Random random = new Random(42);
    for (int i = 0; i < 100_000; i++) {
      byte[] frame = new byte[random.nextInt(12)];
      random.nextBytes(frame);
      try {
        CollabMessage.decode(frame);
      } catch (MalformedMessageException expected) {
        // Refused, as it should be.
      }
    }
  }
}
