package io.atelier.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Redis from the static binary that the embedded-redis artifact ships, run as a child process. */
final class EmbeddedRedis implements AutoCloseable {

  private static final String BINARY_RESOURCE = "redis-server-6.2.6-v5-linux-amd64";

  private final ChildProcess process;
  private final int port;

  private EmbeddedRedis(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  static Path extractBinary(Path binDir) {
    return BundledFiles.extract(BINARY_RESOURCE, binDir.resolve("redis-server"), true);
  }

  static EmbeddedRedis start(Path binary, Path dataDir, Path logDir) {
    int port = FreePorts.pick();
    ChildProcess process = ChildProcess.start("redis", List.of(
        binary.toString(),
        "--port", Integer.toString(port),
        "--bind", "127.0.0.1",
        "--dir", mkdirs(dataDir).toString(),
        "--appendonly", "yes",
        "--save", "",
        "--daemonize", "no"), dataDir, logDir.resolve("redis.log"));
    process.awaitPort(port, Duration.ofSeconds(20));
    return new EmbeddedRedis(process, port);
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    process.close();
  }

  private static Path mkdirs(Path dir) {
    dir.toFile().mkdirs();
    return dir;
  }
}
