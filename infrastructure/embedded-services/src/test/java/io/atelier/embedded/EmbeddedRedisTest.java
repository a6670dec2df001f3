package io.atelier.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded Redis is the major production runs (7), found on the PATH; an older or missing one is named. */
class EmbeddedRedisTest {

  @TempDir
  Path dir;

  @Test
  void theRedisThatRunsIsRedis7FromThePath(@TempDir Path data) throws Exception {
    Path binary = EmbeddedRedis.locateBinary();
    assertThat(EmbeddedRedis.version(binary)).startsWith(EmbeddedRedis.MAJOR + ".");
    try (EmbeddedRedis redis = EmbeddedRedis.start(binary, data.resolve("redis"), data.resolve("logs"),
        Durability.DEV_DEFAULTS)) {
      int port = Integer.parseInt(redis.uri().substring(redis.uri().lastIndexOf(':') + 1));
      // What the server says of itself, not what its binary printed.
      try (Socket socket = new Socket("127.0.0.1", port)) {
        OutputStream out = socket.getOutputStream();
        out.write("INFO server\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        String line;
        String version = null;
        while (version == null && (line = in.readLine()) != null) {
          if (line.startsWith("redis_version:")) {
            version = line.substring("redis_version:".length());
          }
        }
        assertThat(version).startsWith(EmbeddedRedis.MAJOR + ".");
      }
    }
  }

  @Test
  void anOlderRedisIsRefusedNamingItsVersion() throws Exception {
    Path old = script("redis-server", "echo 'Redis server v=6.2.6 sha=00000000:0 malloc=jemalloc-5.1.0 bits=64'");
    assertThatThrownBy(() -> EmbeddedRedis.locateBinary(null, dir.toString()))
        .hasMessage(old + " is Redis 6.2.6; the mesh needs Redis 7 or later");
    assertThatThrownBy(() -> EmbeddedRedis.locateBinary(old.toString(), "/nonexistent"))
        .hasMessageContaining("is Redis 6.2.6");
  }

  @Test
  void aMissingRedisSaysHowToGetOne() {
    assertThatThrownBy(() -> EmbeddedRedis.locateBinary(null, dir.toString()))
        .hasMessageStartingWith("redis-server is not on the PATH: install Redis 7 (Debian: apt-get install "
            + "redis-server;");
    assertThatThrownBy(() -> EmbeddedRedis.locateBinary(dir.resolve("nothing").toString(), "/usr/bin"))
        .hasMessageContaining("nothing is not executable");
  }

  @Test
  void aBinaryThatNamesNoVersionIsRefused() throws Exception {
    Path silent = script("redis-server", "echo hello");
    assertThatThrownBy(() -> EmbeddedRedis.locateBinary(silent.toString(), ""))
        .hasMessage(silent + " --version did not name a version: hello");
  }

  private Path script(String name, String body) throws Exception {
    Path script = dir.resolve(name);
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }
}
