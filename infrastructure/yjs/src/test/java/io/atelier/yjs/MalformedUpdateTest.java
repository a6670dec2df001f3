package io.atelier.yjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad bytes, fed to every public method: each call returns or throws {@link MalformedUpdateException}, never another
 * exception, never slowly. The real updates come from the stored corpus; the seeds are fixed.
 */
class MalformedUpdateTest {

  private static final YjsUpdates yjs = YjsUpdates.java();
  private static final byte[] EMPTY = {0, 0};
  private static final List<byte[]> realUpdates = new ArrayList<>();

  @BeforeAll
  static void loadRealUpdates() throws IOException {
    try (InputStream in = MalformedUpdateTest.class.getResourceAsStream("/yjs-corpus/histories.json")) {
      JsonArray histories = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .getJsonArray("histories");
      for (int i = 0; i < histories.size(); i += 5) {
        JsonArray updates = histories.getJsonObject(i).getJsonArray("updates");
        for (int k = 0; k < updates.size(); k += 3) {
          realUpdates.add(Base64.getDecoder().decode(updates.getString(k)));
        }
      }
    }
    realUpdates.add(yjs.merge(realUpdates.subList(0, 40)));
  }

  /** Every public method on the bytes, as update and as state vector; returns how many calls accepted them. */
  private static int everyMethodReturnsOrThrowsMalformed(byte[] bytes) {
    int accepted = 0;
    List<Consumer<byte[]>> calls = List.of(
        yjs::validate,
        b -> yjs.merge(List.of(b)),
        b -> yjs.merge(List.of(b, EMPTY)),
        b -> yjs.merge(List.of(realUpdates.get(0), b)),
        b -> yjs.diff(b, new byte[] {0}),
        b -> yjs.diff(b, HexFormat.of().parseHex("020102e807ffffffff0f05")),
        b -> yjs.diff(realUpdates.get(1), b),
        yjs::stateVector,
        b -> yjs.text(b, "text"),
        b -> yjs.text(b, "rich"));
    for (Consumer<byte[]> call : calls) {
      try {
        call.accept(bytes);
        accepted++;
      } catch (MalformedUpdateException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      } catch (RuntimeException | Error other) {
        throw new AssertionError("not a MalformedUpdateException for " + HexFormat.of().formatHex(bytes), other);
      }
    }
    return accepted;
  }

  @Test
  void everyTruncationOfARealUpdateIsRefusedAsMalformed() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      for (byte[] update : realUpdates.subList(0, 60)) {
        for (int len = 0; len < update.length; len++) {
          byte[] prefix = java.util.Arrays.copyOf(update, len);
          // Decoding a prefix follows the full update's path until it runs out of bytes.
          assertThatThrownBy(() -> yjs.validate(prefix)).isInstanceOf(MalformedUpdateException.class);
          everyMethodReturnsOrThrowsMalformed(prefix);
        }
      }
    });
  }

  @Test
  void randomByteFlipsNeverEscapeAsAnotherException() {
    Random random = new Random(1234);
    assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
      for (int round = 0; round < 20_000; round++) {
        byte[] update = realUpdates.get(random.nextInt(realUpdates.size())).clone();
        int flips = 1 + random.nextInt(3);
        for (int f = 0; f < flips && update.length > 0; f++) {
          int at = random.nextInt(update.length);
          update[at] = random.nextInt(4) == 0 ? (byte) 0xff : (byte) random.nextInt(256);
        }
        everyMethodReturnsOrThrowsMalformed(update);
      }
    });
  }

  @Test
  void randomGarbageNeverEscapesAsAnotherException() {
    Random random = new Random(99);
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      for (int round = 0; round < 20_000; round++) {
        byte[] garbage = new byte[random.nextInt(40)];
        random.nextBytes(garbage);
        if (garbage.length > 0 && random.nextBoolean()) {
          garbage[0] = (byte) random.nextInt(3); // a plausible number of clients
        }
        everyMethodReturnsOrThrowsMalformed(garbage);
      }
    });
  }

  @Test
  void hugeDeclaredLengthsAreRefusedBeforeAnythingIsAllocated() {
    for (String hex : List.of(
        "010107000401017480808080808080ff0f", // a string of 2^53 - 1 bytes
        "0101070004010174ffffffff07", // 2^31 - 1 bytes
        "0101070008010174ffffffffffffff0f", // ContentAny of 2^52 elements
        "01010700080101740176ffffffff0f", // an object of 2^32 entries
        "01010700080101740175ffffffff0f", // an array of 2^32 elements
        "0101070002010174ffffffff0f", // ContentJSON of 2^32 elements
        "0001ffffffff0fffffffff0f", // a delete set of 2^32 ranges
        "ffffffff0f01", // 2^32 clients
        "01ffffffffffffff0f0700")) { // 2^53 structs
      byte[] bytes = HexFormat.of().parseHex(hex);
      assertThatThrownBy(() -> yjs.validate(bytes)).as(hex).isInstanceOf(MalformedUpdateException.class);
      everyMethodReturnsOrThrowsMalformed(bytes);
    }
    assertThatThrownBy(() -> yjs.diff(EMPTY, HexFormat.of().parseHex("ffffffff0f")))
        .isInstanceOf(MalformedUpdateException.class).hasMessageContaining("state vector");
  }

  @Test
  void varintsOverFiftyThreeBitsAreRefused() {
    assertThatThrownBy(() -> yjs.validate(HexFormat.of().parseHex("ffffffffffffffffff01")))
        .isInstanceOf(MalformedUpdateException.class).hasMessageContaining("exceeds 2^53 - 1");
    assertThatThrownBy(() -> yjs.validate(HexFormat.of().parseHex("ffffffffffffff8f01")))
        .isInstanceOf(MalformedUpdateException.class).hasMessageContaining("over 53 bits");
    assertThatThrownBy(() -> yjs.validate(HexFormat.of().parseHex("01018080808080808010")))
        .isInstanceOf(MalformedUpdateException.class).hasMessageContaining("2^53 - 1");
    // 2^53 - 1 itself is a JS number, but a struct ending past it is not
    assertThatThrownBy(() -> yjs.validate(HexFormat.of().parseHex("010107ffffffffffffff0f000200")))
        .isInstanceOf(MalformedUpdateException.class).hasMessageContaining("past clock 2^53 - 1");
  }

  @Test
  void deeplyNestedValuesAreRefusedInsteadOfOverflowingTheStack() {
    StringBuilder any = new StringBuilder("0101070008010174" + "01");
    any.append("7501".repeat(5000)).append("7e").append("00");
    byte[] deepAny = HexFormat.of().parseHex(any);
    assertThatThrownBy(() -> yjs.validate(deepAny)).hasMessageContaining("nests deeper than 1000");
    String json = "[".repeat(5000) + "]".repeat(5000);
    Lib0Encoder e = new Lib0Encoder();
    e.writeVarUint(1);
    e.writeVarUint(1);
    e.writeVarUint(7);
    e.writeVarUint(0);
    e.writeUint8(5);
    e.writeVarUint(1);
    e.writeVarString("t");
    e.writeVarString(json);
    e.writeVarUint(0);
    byte[] deepEmbed = e.toByteArray();
    assertThatThrownBy(() -> yjs.validate(deepEmbed)).hasMessageContaining("nesting deeper than 1000");
  }
}
