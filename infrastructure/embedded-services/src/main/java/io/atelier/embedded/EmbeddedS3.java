package io.atelier.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/** An S3-compatible server (S3Proxy over the file system) in a child JVM, with AWS v4 authentication. */
final class EmbeddedS3 implements AutoCloseable {

  private static final String JAR_RESOURCE = "io/atelier/embedded/s3proxy.jar";

  private final ChildProcess process;
  private final S3Endpoint endpoint;

  private EmbeddedS3(ChildProcess process, S3Endpoint endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  static Path extractJar(Path binDir) {
    return BundledFiles.extract(JAR_RESOURCE, binDir.resolve("s3proxy.jar"), false);
  }

  static EmbeddedS3 start(Path jar, Path dataDir, Path logDir) {
    int port = FreePorts.pick();
    String accessKey = "atelier-dev";
    String secretKey = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    Path blobs = dataDir.resolve("blobs");
    Path properties = dataDir.resolve("s3proxy.properties");
    try {
      Files.createDirectories(blobs);
      Files.writeString(properties, String.join("\n",
          "s3proxy.endpoint=http://127.0.0.1:" + port,
          "s3proxy.authorization=aws-v2-or-v4",
          "s3proxy.identity=" + accessKey,
          "s3proxy.credential=" + secretKey,
          "jclouds.provider=filesystem",
          "jclouds.filesystem.basedir=" + blobs,
          ""));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare S3 data folder " + dataDir, e);
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    ChildProcess process = ChildProcess.start("s3proxy", List.of(
        // A whole mesh's uploads go through it at once (parts of 5 MiB and more): room for them.
        java, "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-jar", jar.toString(), "--properties", properties.toString()), dataDir, logDir.resolve("s3proxy.log"));
    process.awaitPort(port, Duration.ofSeconds(60));
    return new EmbeddedS3(process, new S3Endpoint("http://127.0.0.1:" + port, "us-east-1", accessKey, secretKey));
  }

  S3Endpoint endpoint() {
    return endpoint;
  }

  @Override
  public void close() {
    process.close();
  }
}
