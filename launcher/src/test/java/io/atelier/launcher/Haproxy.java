package io.atelier.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's HAProxy in front of edge nodes, as production runs it: health checks on {@code /health/ready} every
 * 500 ms, a request that could not be sent to one edge redispatched to another.
 */
record Haproxy(int front, int stats, Process process) implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** HAProxy on {@code front} balancing the edges on {@code edges} (servers edge-1, edge-2, ...). */
  static Haproxy start(Path dir, int front, int stats, int... edges) throws IOException {
    StringBuilder servers = new StringBuilder();
    for (int i = 0; i < edges.length; i++) {
      servers.append("    server edge-").append(i + 1).append(" 127.0.0.1:").append(edges[i]).append('\n');
    }
    Path config = dir.resolve("haproxy.cfg");
    Files.writeString(config, """
        global
            maxconn 4096

        defaults
            mode http
            option redispatch
            retries 2
            timeout connect 2s
            timeout client 60s
            timeout server 60s
            timeout tunnel 1h

        frontend api
            bind 127.0.0.1:%d
            default_backend edges

        backend edges
            balance roundrobin
            option httpchk GET /health/ready
            http-check expect status 200
            default-server check inter 500ms fall 2 rise 2
        %s
        listen stats
            bind 127.0.0.1:%d
            stats enable
            stats uri /stats
        """.formatted(front, servers, stats));
    Process process = new ProcessBuilder("haproxy", "-db", "-f", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("haproxy.log").toFile())
        .start();
    return new Haproxy(front, stats, process);
  }

  /** HAProxy's own view of the edges (from its CSV stats), in order: "UP", "DOWN", ... */
  List<String> backends() throws InterruptedException {
    List<String> seen = new ArrayList<>();
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stats + "/stats;csv"))
          .timeout(Duration.ofSeconds(5)).build();
      for (String line : HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body().split("\n")) {
        String[] fields = line.split(",");
        if (fields.length > 17 && fields[0].equals("edges") && fields[1].startsWith("edge-")) {
          seen.add(fields[17]);
        }
      }
    } catch (IOException notYet) {
      // HAProxy is still starting.
    }
    return seen;
  }

  /** Waits until HAProxy sees the edges as given. */
  void awaitBackends(String... statuses) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    List<String> seen = List.of();
    while (System.nanoTime() < deadline) {
      seen = backends();
      if (seen.equals(List.of(statuses))) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("HAProxy never saw the edges " + List.of(statuses) + "; last " + seen);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
