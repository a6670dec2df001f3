package io.atelier.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  @Test
  void theEphemeralRangeIsReadAsTheKernelSaysIt() throws Exception {
    int start = Integer.parseInt(Files.readAllLines(RANGE).get(0).trim().split("\\s+")[0]);
    assertThat(FreePorts.ephemeralRangeStart()).isEqualTo(start);
  }

  /** Below the kernel's ephemeral range, where no outgoing connection gets its local port from. */
  @Test
  void picksAreFreeAndBelowTheEphemeralRange() {
    int start = FreePorts.ephemeralRangeStart();
    for (int i = 0; i < 50; i++) {
      assertThat(FreePorts.pick()).isBetween(10_000, start - 1);
    }
  }

  @Test
  void anAvoidedRangeIsNeverPicked() {
    int start = FreePorts.ephemeralRangeStart();
    int middle = (10_000 + start) / 2;
    FreePorts.avoid(10_000, middle);
    for (int i = 0; i < 50; i++) {
      assertThat(FreePorts.pick()).isBetween(middle + 1, start - 1);
    }
  }
}
