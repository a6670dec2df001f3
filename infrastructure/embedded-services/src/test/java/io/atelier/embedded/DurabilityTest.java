package io.atelier.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The servers run as asked, as they say themselves: asked over their own protocols, not read from our arguments. */
class DurabilityTest {

  @Test
  void durableServersFlushEveryCommitAndARestartedPostgresStaysDurable() throws Exception {
    try (EmbeddedServices services = EmbeddedServices.startTemporary("atelier-durability-test-", Durability.DURABLE)) {
      assertThat(postgresSetting(services, "fsync")).isEqualTo("on");
      assertThat(postgresSetting(services, "synchronous_commit")).isEqualTo("on");
      assertThat(postgresSetting(services, "full_page_writes")).isEqualTo("on");
      assertThat(redisConfig(services, "appendonly")).isEqualTo("yes");
      assertThat(redisConfig(services, "appendfsync")).isEqualTo("always");
      assertThat(services.folder().resolve("redis/appendonlydir")).as("the AOF is in the data folder").isDirectory();

      services.stopPostgres();
      services.restartPostgres();
      assertThat(postgresSetting(services, "fsync")).isEqualTo("on");
      assertThat(postgresSetting(services, "synchronous_commit")).isEqualTo("on");
    }
  }

  @Test
  void devDefaultsLeavePostgresFsyncOffAndRedisFsyncingEverySecond() throws Exception {
    try (EmbeddedServices services = EmbeddedServices.startTemporary("atelier-durability-test-")) {
      assertThat(postgresSetting(services, "fsync")).isEqualTo("off");
      assertThat(postgresSetting(services, "synchronous_commit")).isEqualTo("off");
      assertThat(redisConfig(services, "appendfsync")).isEqualTo("everysec");
    }
  }

  private static String postgresSetting(EmbeddedServices services, String name) throws Exception {
    PostgresEndpoint pg = services.postgres();
    try (Connection connection = DriverManager.getConnection(
            "jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/" + pg.database(), pg.user(), pg.password());
         Statement statement = connection.createStatement();
         ResultSet shown = statement.executeQuery("SHOW " + name)) {
      shown.next();
      return shown.getString(1);
    }
  }

  /** {@code CONFIG GET name}'s value: RESP2's array of the name and its value, five lines. */
  private static String redisConfig(EmbeddedServices services, String name) throws Exception {
    URI uri = URI.create(services.redisUri());
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.getOutputStream().write(("CONFIG GET " + name + "\r\n").getBytes(StandardCharsets.US_ASCII));
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      assertThat(in.readLine()).as("CONFIG GET %s answers one pair", name).isEqualTo("*2");
      in.readLine();
      assertThat(in.readLine()).isEqualTo(name);
      in.readLine();
      return in.readLine();
    }
  }
}
