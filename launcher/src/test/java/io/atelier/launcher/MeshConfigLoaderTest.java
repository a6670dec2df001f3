package io.atelier.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atelier.database.PostgresConfig;
import io.atelier.redis.RedisConfig;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.SslMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshConfigLoaderTest {

  @Test
  void laterFilesWinAndEnvironmentVariablesWinOverFiles(@TempDir Path dir) throws Exception {
    Path base = Files.writeString(dir.resolve("base.json"),
        "{\"postgres\":{\"host\":\"db\",\"port\":5432,\"database\":\"atelier\",\"user\":\"a\"},\"edge\":{\"port\":8080}}");
    Path site = Files.writeString(dir.resolve("site.json"), "{\"postgres\":{\"host\":\"db2\"}}");
    JsonObject config = MeshConfigLoader.load(List.of(base, site), Map.of(
        "ATELIER_POSTGRES_POOL_SIZE", "3",
        "ATELIER_EDGE_PORT", "9090",
        "ATELIER_S3_PATH_STYLE", "false",
        "ATELIER_CLUSTER_MEMBERS", "10.0.0.1:5701,10.0.0.2:5701",
        "ATELIER_API_KEY", "not-configuration",
        "HOME", "/root"));
    PostgresConfig postgres = PostgresConfig.from(config);
    assertThat(postgres.host()).isEqualTo("db2");
    assertThat(postgres.database()).isEqualTo("atelier");
    assertThat(postgres.poolSize()).isEqualTo(3);
    assertThat(config.getJsonObject("edge").getInteger("port")).isEqualTo(9090);
    assertThat(config.getJsonObject("s3").getBoolean("pathStyle")).isFalse();
    assertThat(ClusterConfig.from(config).members()).containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
    assertThat(config.fieldNames()).doesNotContain("api");
  }

  @Test
  void anAllDigitSecretStaysText() {
    JsonObject config = MeshConfigLoader.load(List.of(), Map.of("ATELIER_POSTGRES_PASSWORD", "007",
        "ATELIER_S3_SECRET_KEY", "12345", "ATELIER_S3_ACCESS_KEY", "true", "ATELIER_EDGE_MAX_UPLOAD_BYTES", "4096"));
    assertThat(config.getJsonObject("postgres").getValue("password")).isEqualTo("007");
    assertThat(config.getJsonObject("s3").getValue("secretKey")).isEqualTo("12345");
    assertThat(config.getJsonObject("s3").getValue("accessKey")).isEqualTo("true");
    assertThat(config.getJsonObject("edge").getValue("maxUploadBytes")).isEqualTo(4096);
  }

  @Test
  void aValueTakesTheTypeItsKeyHasInTheFiles(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("c.json"),
        "{\"postgres\":{\"password\":\"x\",\"port\":5432},\"s3\":{\"pathStyle\":true}}");
    JsonObject config = MeshConfigLoader.load(List.of(file), Map.of("ATELIER_POSTGRES_PASSWORD", "42"));
    assertThat(config.getJsonObject("postgres").getValue("password")).isEqualTo("42");
    assertThatThrownBy(() -> MeshConfigLoader.load(List.of(file), Map.of("ATELIER_POSTGRES_PORT", "fivefour")))
        .hasMessageContaining("ATELIER_POSTGRES_PORT").hasMessageContaining("whole number");
    assertThatThrownBy(() -> MeshConfigLoader.load(List.of(file), Map.of("ATELIER_S3_PATH_STYLE", "yes")))
        .hasMessageContaining("ATELIER_S3_PATH_STYLE");
  }

  @Test
  void theTlsSettingsCanBeGivenAsEnvironmentVariables(@TempDir Path dir) throws Exception {
    String pem = Files.writeString(dir.resolve("mesh.pem"), "read when a client connects").toString();
    JsonObject config = MeshConfigLoader.load(List.of(), Map.of(
        "ATELIER_POSTGRES_HOST", "db", "ATELIER_POSTGRES_DATABASE", "atelier", "ATELIER_POSTGRES_USER", "a",
        "ATELIER_POSTGRES_SSL_MODE", "verify-full", "ATELIER_POSTGRES_TRUSTED_CERT_PATH", pem,
        "ATELIER_REDIS_URI", "rediss://redis:6380", "ATELIER_REDIS_TRUSTED_CERT_PATH", pem,
        "ATELIER_CLUSTER_TLS_CERT_PATH", pem, "ATELIER_CLUSTER_TLS_KEY_PATH", pem,
        "ATELIER_CLUSTER_TLS_TRUSTED_CERT_PATH", pem));
    PostgresConfig postgres = PostgresConfig.from(config);
    assertThat(postgres.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
    assertThat(postgres.trustedCertPath()).isEqualTo(pem);
    assertThat(RedisConfig.from(config).trustedCertPath()).isEqualTo(pem);
    assertThat(ClusterConfig.from(config).tls()).contains(new ClusterConfig.Tls(pem, pem, pem));
  }

  @Test
  void snakeCaseKeysBecomeCamelCase() {
    assertThat(MeshConfigLoader.camelCase("max_upload_bytes")).isEqualTo("maxUploadBytes");
    assertThat(MeshConfigLoader.camelCase("host")).isEqualTo("host");
  }

  @Test
  void aBrokenFileOrValueIsNamedInTheError(@TempDir Path dir) throws Exception {
    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"postgres\": ");
    assertThatThrownBy(() -> MeshConfigLoader.load(List.of(broken), Map.of()))
        .hasMessageContaining("broken.json").hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> MeshConfigLoader.load(List.of(dir.resolve("missing.json")), Map.of()))
        .hasMessageContaining("missing.json");
    JsonObject config = MeshConfigLoader.load(List.of(), Map.of("ATELIER_POSTGRES_HOST", "db", "ATELIER_POSTGRES_PORT", "70000",
        "ATELIER_POSTGRES_DATABASE", "a", "ATELIER_POSTGRES_USER", "u"));
    assertThatThrownBy(() -> PostgresConfig.from(config)).hasMessageContaining("postgres.port");
    assertThatThrownBy(() -> ClusterConfig.from(new JsonObject().put("cluster", new JsonObject().put("members", "10.0.0.1:5701-5703"))))
        .hasMessageContaining("cluster.members");
  }
}
