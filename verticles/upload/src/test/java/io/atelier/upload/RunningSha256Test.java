package io.atelier.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RunningSha256Test {

  @Test
  void theJdkDigestIsUsedWhenTheBuildOpensItsPackages() {
    // The test JVM gets the launcher's --add-opens: without them, uploads would hash at a seventh of the speed.
    assertThat(RunningSha256.fast()).isTrue();
  }

  @Test
  void anUploadHashedInPiecesStoppedAndResumedAnywhereOnEitherImplementationGivesTheJdkDigest() throws Exception {
    Random random = new Random(20261202);
    for (int round = 0; round < 300; round++) {
      byte[] data = new byte[random.nextInt(5000)];
      random.nextBytes(data);
      byte[] expected = MessageDigest.getInstance("SHA-256").digest(data);
      byte[] state = null;
      int at = 0;
      while (at < data.length) {
        int piece = Math.min(data.length - at, random.nextInt(4) == 0 ? random.nextInt(3) : random.nextInt(700));
        // Each piece on a node that may or may not have the fast path, from the state the last one stored.
        RunningSha256 hash = RunningSha256.resume(state, random.nextBoolean());
        if (random.nextBoolean()) {
          hash.update(data, at, piece);
        } else {
          hash.update(Unpooled.wrappedBuffer(data, at, piece));
        }
        at += piece;
        state = hash.state();
        assertThat(hash.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(data, at)));
      }
      assertThat(RunningSha256.resume(state, random.nextBoolean()).digest()).as("round %d, %d bytes", round,
          data.length).isEqualTo(expected);
    }
  }

  @Test
  void bothImplementationsStoreTheSameState() {
    byte[] data = new byte[10_000];
    new Random(7).nextBytes(data);
    RunningSha256 fast = RunningSha256.resume(null, true);
    RunningSha256 java = RunningSha256.resume(null, false);
    fast.update(data, 0, 9_999);
    java.update(data, 0, 9_999);
    assertThat(fast.state()).isEqualTo(java.state());
  }

  @Test
  void aDirectBufferIsHashedToo() throws Exception {
    byte[] data = new byte[3000];
    new Random(3).nextBytes(data);
    for (boolean fast : new boolean[] {true, false}) {
      RunningSha256 hash = RunningSha256.resume(null, fast);
      hash.update(Unpooled.directBuffer(data.length).writeBytes(data));
      assertThat(hash.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
    }
  }

  @Test
  void aStateThatIsNotOneIsRefused() {
    assertThatThrownBy(() -> RunningSha256.resume(new byte[] {9, 9, 9}))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] state = RunningSha256.resume(null).state();
    state[state.length - 1] = 5; // says 5 bytes follow, none do
    assertThatThrownBy(() -> RunningSha256.resume(state)).isInstanceOf(IllegalArgumentException.class);
  }
}
