package io.atelier.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks free loopback ports for embedded servers and cluster members.
 *
 * <p>A port is picked, then bound later by whoever asked for it. Picked from the kernel's ephemeral range (what
 * binding port 0 gives), it can be taken in between by any outgoing connection, which gets its local port from that
 * range: a node starting up opens dozens (PostgreSQL, Redis, S3, the cluster), and its own listener then failed with
 * "Address already in use". So ports come from below that range, where the kernel hands none out by itself.
 */
public final class FreePorts {

  private static final int LOWEST = 10_000;
  private static final int TRIES = 200;

  /** Ports this process has promised to others (a supervisor's node ports): never picked. */
  private static final List<int[]> AVOIDED = new CopyOnWriteArrayList<>();

  private FreePorts() {
  }

  /** Never picks a port from {@code first} to {@code last}, both included: they belong to someone else. */
  public static void avoid(int first, int last) {
    AVOIDED.add(new int[] {first, last});
  }

  private static boolean avoided(int port) {
    return AVOIDED.stream().anyMatch(range -> port >= range[0] && port <= range[1]);
  }

  public static int pick() {
    int below = ephemeralRangeStart();
    if (below - LOWEST >= 1_000) {
      for (int i = 0; i < TRIES; i++) {
        int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
        if (!avoided(port) && free(port)) {
          return port;
        }
      }
    }
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  /** The first port of the kernel's ephemeral range (Linux's default where it cannot be read). */
  static int ephemeralRangeStart() {
    try {
      // Line by line: Files.readString reads a /proc file by its reported size, and gets one byte of it ("3").
      String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
