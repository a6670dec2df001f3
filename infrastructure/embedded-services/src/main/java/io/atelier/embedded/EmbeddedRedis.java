package io.atelier.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redis from Debian's {@code redis-server} (7.0, the major production runs; {@code ./atelier} installs the package),
 * run as a child process. {@code ATELIER_REDIS_SERVER} names another binary.
 */
final class EmbeddedRedis implements AutoCloseable {

  /** The oldest major the mesh is tested on, and runs in production. */
  static final int MAJOR = 7;
  private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)\\.(\\d+)");

  private final ChildProcess process;
  private final int port;

  private EmbeddedRedis(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** The {@code redis-server} to run: {@code ATELIER_REDIS_SERVER}, else the first on the PATH; at least Redis 7. */
  static Path locateBinary() {
    return locateBinary(System.getenv("ATELIER_REDIS_SERVER"), System.getenv().getOrDefault("PATH",
        "/usr/local/bin:/usr/bin:/bin"));
  }

  /** {@code named} if given, else the first {@code redis-server} on {@code path}; at least Redis 7. */
  static Path locateBinary(String named, String path) {
    Path binary = named != null && !named.isBlank() ? Path.of(named) : onPath("redis-server", path);
    if (binary == null || !Files.isExecutable(binary)) {
      throw new IllegalStateException("redis-server " + (binary == null ? "is not on the PATH" : binary
          + " is not executable") + ": install Redis " + MAJOR + " (Debian: apt-get install redis-server; ./atelier"
          + " does it when run as root) or name one in ATELIER_REDIS_SERVER");
    }
    String version = version(binary);
    if (Integer.parseInt(version.substring(0, version.indexOf('.'))) < MAJOR) {
      throw new IllegalStateException(binary + " is Redis " + version + "; the mesh needs Redis " + MAJOR
          + " or later");
    }
    return binary;
  }

  /** {@code redis-server --version}'s {@code v=} field, such as {@code 7.0.15}. */
  static String version(Path binary) {
    try {
      Process probe = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
      String said = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!probe.waitFor(10, TimeUnit.SECONDS)) {
        probe.destroyForcibly();
      }
      Matcher m = VERSION.matcher(said);
      if (!m.find()) {
        throw new IllegalStateException(binary + " --version did not name a version: " + said.strip());
      }
      return m.group(1) + "." + m.group(2) + "." + m.group(3);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + binary + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking " + binary + " its version", e);
    }
  }

  private static Path onPath(String command, String path) {
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  static EmbeddedRedis start(Path binary, Path dataDir, Path logDir, Durability durability) {
    int port = FreePorts.pick();
    return start(binary, dataDir, logDir, port, List.of("--port", Integer.toString(port)), durability);
  }

  /** A Redis that speaks only TLS, with {@code certificate}, and asks clients for none. */
  static EmbeddedRedis startTls(Path binary, Path dataDir, Path logDir, ServerCertificate certificate) {
    int port = FreePorts.pick();
    return start(binary, dataDir, logDir, port, List.of("--port", "0", "--tls-port", Integer.toString(port),
        "--tls-cert-file", certificate.certificate().toString(), "--tls-key-file", certificate.privateKey().toString(),
        "--tls-auth-clients", "no"), Durability.DEV_DEFAULTS);
  }

  private static EmbeddedRedis start(Path binary, Path dataDir, Path logDir, int port, List<String> listen,
                                     Durability durability) {
    List<String> command = new ArrayList<>(List.of(binary.toString()));
    command.addAll(listen);
    command.addAll(List.of(
        "--bind", "127.0.0.1",
        "--dir", mkdirs(dataDir).toString(),
        "--save", "",
        "--daemonize", "no"));
    durability.redisSettings().forEach(setting -> command.addAll(List.of("--" + setting.name(), setting.value())));
    ChildProcess process = ChildProcess.start("redis", command, dataDir, logDir.resolve("redis.log"));
    process.awaitPort(port, Duration.ofSeconds(20));
    return new EmbeddedRedis(process, port);
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  int port() {
    return port;
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
