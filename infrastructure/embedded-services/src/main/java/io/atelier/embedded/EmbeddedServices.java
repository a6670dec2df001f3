package io.atelier.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL, Redis and an S3-compatible server on free loopback ports, with every file under one folder. For the
 * {@code dev} command and the tests only: a production node connects to external services instead.
 *
 * <p>Layout of the folder: {@code bin/} (extracted binaries, reused), {@code postgres/}, {@code redis/},
 * {@code s3/} (data), {@code logs/}.
 */
public final class EmbeddedServices implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServices.class);

  private final Path root;
  private final Durability durability;
  private volatile EmbeddedPostgres postgres;
  private final int postgresPort;
  private final EmbeddedRedis redis;
  private final EmbeddedS3 s3;
  private final Thread shutdownHook;
  private volatile boolean closed;
  private volatile boolean temporary;

  private EmbeddedServices(Path root, Durability durability, EmbeddedPostgres postgres, EmbeddedRedis redis,
                           EmbeddedS3 s3) {
    this.root = root;
    this.durability = durability;
    this.postgres = postgres;
    this.postgresPort = postgres.getPort();
    this.redis = redis;
    this.s3 = s3;
    // A JVM that exits without calling close() must not leave servers behind.
    this.shutdownHook = new Thread(this::stopAll, "embedded-services-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts the servers in a new folder under the system's temporary folder, which goes with them when they stop
   * (closed, or the JVM exits): for tests and benchmarks, which would otherwise leave some 160 MB behind per run.
   */
  public static EmbeddedServices startTemporary(String prefix) {
    return startTemporary(prefix, Durability.DEV_DEFAULTS);
  }

  /** {@link #startTemporary(String)} with the servers writing to disk as {@code durability} says. */
  public static EmbeddedServices startTemporary(String prefix, Durability durability) {
    Path folder;
    try {
      folder = Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("no temporary folder for the embedded services", e);
    }
    try {
      EmbeddedServices services = start(folder, durability);
      services.temporary = true;
      return services;
    } catch (RuntimeException e) {
      deleteTree(folder);
      throw e;
    }
  }

  /** The folder that holds the servers' files. */
  public Path folder() {
    return root;
  }

  /** Starts all three servers in parallel; data in {@code folder} survives a restart on the same folder. */
  public static EmbeddedServices start(Path folder) {
    return start(folder, Durability.DEV_DEFAULTS);
  }

  private static EmbeddedServices start(Path folder, Durability durability) {
    Path root = folder.toAbsolutePath();
    Path bin = root.resolve("bin");
    Path logs = root.resolve("logs");
    long started = System.nanoTime();
    // Binaries are written before any server is forked, so no fork inherits a half-written executable.
    Path redisBinary = EmbeddedRedis.locateBinary();
    Path s3Jar = EmbeddedS3.extractJar(bin);
    CompletableFuture<EmbeddedS3> s3 = CompletableFuture.supplyAsync(() -> EmbeddedS3.start(s3Jar, root.resolve("s3"), logs));
    CompletableFuture<EmbeddedRedis> redis = CompletableFuture.supplyAsync(
        () -> EmbeddedRedis.start(redisBinary, root.resolve("redis"), logs, durability));
    CompletableFuture<EmbeddedPostgres> postgres = CompletableFuture.supplyAsync(
        () -> startPostgres(root, FreePorts.pick(), durability.postgresSettings()));
    try {
      CompletableFuture.allOf(s3, redis, postgres).join();
    } catch (CompletionException e) {
      s3.thenAccept(EmbeddedS3::close);
      redis.thenAccept(EmbeddedRedis::close);
      postgres.thenAccept(EmbeddedServices::closeQuietly);
      throw new IllegalStateException("embedded services failed to start: " + e.getCause().getMessage(), e.getCause());
    }
    EmbeddedServices services = new EmbeddedServices(root, durability, postgres.join(), redis.join(), s3.join());
    LOG.info("embedded services up in {} ms under {}", (System.nanoTime() - started) / 1_000_000, root);
    return services;
  }

  /** PostgreSQL on {@code port}, its data in {@code root/postgres}, started with {@code settings}. */
  static EmbeddedPostgres startPostgres(Path root, int port, List<Durability.Setting> settings) {
    Path bin = root.resolve("bin");
    Path logs = root.resolve("logs");
    try {
      Files.createDirectories(bin.resolve("postgres"));
      Files.createDirectories(logs);
      // The builder creates its default working folder in java.io.tmpdir before any override applies; this
      // property (the library's own) moves that default into our folder, so nothing is left in /tmp.
      System.setProperty("ot.epg.working-dir", bin.resolve("postgres").toString());
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setPort(port)
          .setDataDirectory(root.resolve("postgres"))
          .setCleanDataDirectory(false)
          .setOverrideWorkingDirectory(bin.resolve("postgres").toFile())
          .setRegisterShutdownHook(false)
          .setPGStartupWait(Duration.ofSeconds(60))
          .setServerConfig("max_connections", "200")
          .setOutputRedirector(Redirect.appendTo(logs.resolve("postgres.log").toFile()))
          .setErrorRedirector(Redirect.appendTo(logs.resolve("postgres.log").toFile()));
      // The library starts the server with -F (fsync off); a -c fsync=on after it wins.
      settings.forEach(setting -> builder.setServerConfig(setting.name(), setting.value()));
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL failed to start", e);
    }
  }

  public PostgresEndpoint postgres() {
    return postgresEndpoint("127.0.0.1", postgresPort);
  }

  /** The embedded server's superuser and database, on {@code host}. */
  static PostgresEndpoint postgresEndpoint(String host, int port) {
    return new PostgresEndpoint(host, port, "postgres", "postgres", "postgres");
  }

  /** Stops PostgreSQL (for outage tests); {@link #restartPostgres()} brings it back on the same port and data. */
  public synchronized void stopPostgres() {
    closeQuietly(postgres);
  }

  public synchronized void restartPostgres() {
    postgres = startPostgres(root, postgresPort, durability.postgresSettings());
  }

  public String redisUri() {
    return redis.uri();
  }

  public S3Endpoint s3() {
    return s3.endpoint();
  }

  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // Called from another shutdown hook: ours runs anyway and finds everything stopped.
    }
  }

  private synchronized void stopAll() {
    if (closed) {
      return;
    }
    closed = true;
    s3.close();
    redis.close();
    closeQuietly(postgres);
    if (temporary) {
      deleteTree(root);
    }
    LOG.info("embedded services stopped");
  }

  /** Deletes the folder and everything in it, carrying on past files that vanish or refuse meanwhile. */
  static void deleteTree(Path folder) {
    try {
      Files.walkFileTree(folder, new java.nio.file.SimpleFileVisitor<>() {
        @Override
        public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
          file.toFile().delete();
          return java.nio.file.FileVisitResult.CONTINUE;
        }

        @Override
        public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
          return java.nio.file.FileVisitResult.CONTINUE;
        }

        @Override
        public java.nio.file.FileVisitResult postVisitDirectory(Path dir, IOException e) {
          dir.toFile().delete();
          return java.nio.file.FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", folder, e.toString());
    }
    if (Files.exists(folder)) {
      LOG.warn("could not delete all of {}", folder);
    }
  }

  private static void closeQuietly(EmbeddedPostgres postgres) {
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }
}
