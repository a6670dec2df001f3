package io.atelier.yjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Named cases of the update functions; the expected bytes are what Yjs 13.6.33 returns (see the comments). */
class YjsUpdatesTest {

  private static final YjsUpdates yjs = YjsUpdates.java();
  private static final byte[] EMPTY = {0, 0};

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  @Test
  void theEmptyUpdateMergesDiffsAndReadsAsNothing() {
    assertThat(yjs.merge(List.of())).containsExactly(0, 0); // Y.mergeUpdates([])
    assertThat(yjs.merge(List.of(EMPTY))).containsExactly(0, 0);
    assertThat(yjs.merge(List.of(EMPTY, EMPTY))).containsExactly(0, 0);
    assertThat(yjs.diff(EMPTY, new byte[] {0})).containsExactly(0, 0);
    assertThat(yjs.stateVector(EMPTY)).containsExactly(0);
    assertThat(yjs.text(EMPTY, "text")).isEmpty();
    yjs.validate(EMPTY);
  }

  @Test
  void anUpdateWithOnlyDeletesHasAnEmptyStateVector() {
    assertThat(yjs.stateVector(hex("000105010002"))).containsExactly(0);
  }

  @Test
  void insertTextIsTheUpdateAFreshDocEmits() {
    // doc.clientID = 7; doc.getText('t').insert(0, 'a😀b')
    assertThat(hex(yjs.insertText(7, "t", "a\uD83D\uDE00b"))).isEqualTo("01010700040101740661f09f98806200");
    // TextEncoder writes a lone surrogate as U+FFFD, where Java's encoder would write '?'
    assertThat(hex(yjs.insertText(7, "t", "a\uD800b"))).isEqualTo("01010700040101740561efbfbd6200");
    assertThat(yjs.insertText(7, "t", "")).containsExactly(0, 0);
    assertThatThrownBy(() -> yjs.insertText(-1, "t", "x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDiffThatCutsASurrogatePairStartsWithTheReplacementCharacter() {
    byte[] update = yjs.insertText(7, "t", "a\uD83D\uDE00b");
    // Y.diffUpdate(update, sv {7: 2}): str.slice(2) starts with a lone low surrogate, written as EF BF BD
    assertThat(hex(yjs.diff(update, hex("010702")))).isEqualTo("0101070284070104efbfbd6200");
    assertThat(yjs.text(update, "t")).isEqualTo("a\uD83D\uDE00b");
  }

  @Test
  void mergeOrderOfAGcAndAnItemAtTheSameIdFollowsV8sSortOfYjsComparator() {
    byte[] gc = hex("01010500000200");
    byte[] item = hex("010105000401017402616200");
    // Yjs's comparator calls each of the two smaller than the other; V8's sort then puts the later one first
    assertThat(hex(yjs.merge(List.of(gc, item)))).isEqualTo("010105000401017402616200");
    assertThat(hex(yjs.merge(List.of(item, gc)))).isEqualTo("01010500000200");
    assertThat(hex(yjs.merge(List.of(gc, item, item, gc)))).isEqualTo("01010500000200");
  }

  @Test
  void aSingleUpdateIsMergedToItselfButStillChecked() {
    byte[] update = yjs.insertText(3, "t", "hello");
    assertThat(yjs.merge(List.of(update))).isEqualTo(update).isNotSameAs(update);
    assertThatThrownBy(() -> yjs.merge(List.of(new byte[] {1, 1, 3}))).isInstanceOf(MalformedUpdateException.class);
  }

  @Test
  void textLeavesOutDeletedCharactersAndItemsWaitingForMissingOnes() {
    byte[] hello = yjs.insertText(3, "t", "hello");
    // delete set {3: [(1, 3)]}
    byte[] deletion = hex("00010301" + "0103");
    assertThat(yjs.text(yjs.merge(List.of(hello, deletion)), "t")).isEqualTo("ho");
    // an item of client 4 after client 3's "hello" (origin 3:4) with client 3 absent stays pending
    byte[] appended = hex("010104008403040121" + "00");
    assertThat(yjs.text(appended, "t")).isEmpty();
    assertThat(yjs.text(yjs.merge(List.of(hello, appended)), "t")).isEqualTo("hello!");
    assertThat(yjs.text(hello, "other")).isEmpty();
  }

  @Test
  void malformedInputIsReportedWithWhatAndWhere() {
    assertThatThrownBy(() -> yjs.validate(new byte[0])).isInstanceOf(MalformedUpdateException.class)
        .hasMessageContaining("number of clients");
    assertThatThrownBy(() -> yjs.validate(hex("01010700040101740a61")))
        .hasMessageContaining("ContentString").hasMessageContaining("10 bytes but only 1 remain");
    assertThatThrownBy(() -> yjs.validate(hex("0101070004010174026180" + "00")))
        .hasMessageContaining("not valid UTF-8 at byte 10");
    assertThatThrownBy(() -> yjs.validate(hex("ffffffffffffff8f01")))
        .hasMessageContaining("number of clients with structs at byte 0 is a varint longer than 8 bytes");
    assertThatThrownBy(() -> yjs.validate(hex("01010700150101740000")))
        .hasMessageContaining("unknown content type 21");
    assertThatThrownBy(() -> yjs.diff(EMPTY, hex("05")))
        .hasMessageContaining("state vector");
  }

  @Test
  void bytesAfterTheDeleteSetAreIgnoredAsYjsIgnoresThem() {
    byte[] update = yjs.insertText(7, "t", "x");
    byte[] trailing = new byte[update.length + 2];
    System.arraycopy(update, 0, trailing, 0, update.length);
    trailing[update.length] = (byte) 0xde;
    yjs.validate(trailing);
    assertThat(yjs.merge(List.of(trailing, EMPTY))).isEqualTo(update);
  }
}
