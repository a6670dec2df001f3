package io.atelier.yjs;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.HexFormat;
import java.util.List;

/**
 * Coverage-guided fuzzing of the update decoder through every public method: whatever the bytes, each call returns
 * or throws {@link MalformedUpdateException}. In the suite it runs its seeds and past findings
 * ({@code src/test/resources/io/atelier/yjs/YjsUpdatesFuzzTestInputs/}) and then fuzzes for a few seconds;
 * {@code bench/fuzz} runs it for longer.
 */
class YjsUpdatesFuzzTest {

  private static final YjsUpdates YJS = YjsUpdates.java();
  private static final byte[] EMPTY = {0, 0};
  private static final byte[] SOME_STATE = HexFormat.of().parseHex("020102e807ffffffff0f05");

  @FuzzTest(maxDuration = "5s")
  void everyMethodReturnsOrThrowsMalformed(byte[] bytes) {
    List<Runnable> calls = List.of(
        () -> YJS.validate(bytes),
        () -> YJS.merge(List.of(bytes)),
        () -> YJS.merge(List.of(bytes, EMPTY)),
        () -> YJS.diff(bytes, new byte[] {0}),
        () -> YJS.diff(bytes, SOME_STATE),
        () -> YJS.diff(EMPTY, bytes),
        () -> YJS.stateVector(bytes),
        () -> YJS.text(bytes, "text"));
    for (Runnable call : calls) {
      try {
        call.run();
      } catch (MalformedUpdateException expected) {
        // The one way bad bytes may be refused.
      }
    }
  }
}
