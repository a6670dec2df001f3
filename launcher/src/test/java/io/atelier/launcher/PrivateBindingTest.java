package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The cluster's port listens on {@code cluster.host}'s address only (here loopback), not on every interface of the
 * machine: read from the kernel's own table of listening sockets.
 */
class PrivateBindingTest {

  @Test
  void theClusterPortListensOnTheConfiguredAddressOnly() throws Exception {
    TestMesh mesh = TestMesh.get();
    for (int port : List.of(mesh.edgeConfig.getJsonObject("cluster").getInteger("port"),
        mesh.workerConfig.getJsonObject("cluster").getInteger("port"))) {
      List<String> addresses = listening(port);
      assertThat(addresses).as("listening sockets on port %d", port).isNotEmpty().containsOnly("127.0.0.1");
    }
  }

  /** The local addresses of the sockets listening on {@code port}, from /proc/net/tcp and tcp6. */
  private static List<String> listening(int port) throws IOException {
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    List<String> addresses = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : Files.readAllLines(Path.of(table))) {
        String[] fields = line.trim().split("\\s+");
        // sl local_address rem_address st ...; st 0A is LISTEN.
        if (fields.length > 3 && fields[1].endsWith(hexPort) && fields[3].equals("0A")) {
          addresses.add(address(fields[1].substring(0, fields[1].indexOf(':'))));
        }
      }
    }
    return addresses;
  }

  private static String address(String hex) {
    if (hex.length() == 8) {
      // IPv4, in the kernel's byte order (little-endian here).
      long value = Long.parseLong(hex, 16);
      return (value & 0xff) + "." + ((value >> 8) & 0xff) + "." + ((value >> 16) & 0xff) + "." + ((value >> 24) & 0xff);
    }
    if (hex.startsWith("0000000000000000FFFF0000")) {
      // An IPv4 address mapped into IPv6 (::ffff:a.b.c.d), as a dual-stack socket bound to one holds it.
      return address(hex.substring(24));
    }
    return hex.equals("00000000000000000000000000000000") ? "::" : "ipv6:" + hex;
  }
}
