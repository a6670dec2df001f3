package io.atelier.collab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atelier.collab.AwarenessUpdate.Entry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** y-protocols' applyAwarenessUpdate rules, without a Yjs document. */
class AwarenessStatesTest {

  private static Entry state(long client, long clock, String json) {
    return new Entry(client, clock, json.getBytes(StandardCharsets.UTF_8));
  }

  private static AwarenessUpdate update(Entry... entries) {
    return new AwarenessUpdate(List.of(entries));
  }

  @Test
  void aStateReplacesOneWithALowerClockOnly() {
    AwarenessStates states = new AwarenessStates();
    assertThat(states.apply(update(state(1, 2, "{\"user\":\"ada\"}")), null)).hasSize(1);
    assertThat(states.apply(update(state(1, 1, "{\"user\":\"old\"}")), null)).isEmpty();
    assertThat(states.apply(update(state(1, 2, "{\"user\":\"same clock\"}")), null)).isEmpty();
    assertThat(states.apply(update(state(1, 3, "{\"user\":\"grace\"}")), null)).hasSize(1);
    assertThat(new String(states.all().entries().get(0).state(), StandardCharsets.UTF_8)).contains("grace");
  }

  @Test
  void aRemovalWithTheSameClockRemovesAndAnOlderStateDoesNotComeBack() {
    AwarenessStates states = new AwarenessStates();
    states.apply(update(state(1, 4, "{}")), null);
    assertThat(states.apply(update(Entry.removal(1, 4)), null)).hasSize(1);
    assertThat(states.all()).isNull();
    assertThat(states.apply(update(state(1, 3, "{}")), null)).isEmpty();
    assertThat(states.apply(update(state(1, 5, "{}")), null)).hasSize(1);
  }

  @Test
  void anEncodedUpdateReadsBackAndItsStatesMustBeJson() {
    AwarenessUpdate written = update(state(7, 1, "{\"cursor\":{\"anchor\":3}}"), Entry.removal(8, 9));
    AwarenessUpdate read = AwarenessUpdate.decode(written.encode());
    assertThat(read.entries()).hasSize(2);
    assertThat(read.entries().get(1).removed()).isTrue();
    assertThatThrownBy(() -> AwarenessUpdate.decode(update(state(7, 1, "{not json")).encode()))
        .hasMessage("awareness state of client 7 is not JSON");
    assertThatThrownBy(() -> AwarenessUpdate.decode(new byte[] {(byte) 0xff, 0x7f}))
        .hasMessageContaining("declares");
  }
}
