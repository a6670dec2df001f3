package io.atelier.launcher;

import io.atelier.embedded.EmbeddedServices;
import io.atelier.embedded.PostgresEndpoint;
import io.atelier.embedded.S3Endpoint;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/** The configuration of a mesh running on embedded services, with its files under one folder. */
final class EmbeddedMeshConfig {

  private EmbeddedMeshConfig() {
  }

  /**
   * The mesh's token key, made once in the embedded services' folder, so tokens stay valid across restarts of a development mesh and
   * every node of the mesh shares it.
   */
  static String signingKey(Path dataDir) {
    Path file = dataDir.resolve("token-signing-key");
    try {
      if (Files.exists(file)) {
        return Files.readString(file).trim();
      }
      byte[] random = new byte[48];
      new SecureRandom().nextBytes(random);
      String key = Base64.getEncoder().encodeToString(random);
      Files.createDirectories(dataDir);
      Files.writeString(file, key);
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the token key in " + file, e);
    }
  }

  static JsonObject build(EmbeddedServices services, Path dataDir, int edgePort, String clusterName, int clusterPort,
                          List<String> clusterMembers) {
    PostgresEndpoint pg = services.postgres();
    S3Endpoint s3 = services.s3();
    return new JsonObject()
        .put("postgres", new JsonObject().put("host", pg.host()).put("port", pg.port()).put("database", pg.database())
            .put("user", pg.user()).put("password", pg.password()).put("poolSize", 8))
        .put("redis", new JsonObject().put("uri", services.redisUri()).put("poolSize", 8))
        .put("s3", new JsonObject().put("endpoint", s3.url()).put("region", s3.region()).put("accessKey", s3.accessKey())
            .put("secretKey", s3.secretKey()).put("bucket", "atelier").put("pathStyle", true))
        .put("edge", new JsonObject().put("host", "127.0.0.1").put("port", edgePort)
            .put("uploadsDirectory", dataDir.resolve("uploads").toString()))
        // The edge serves /collab/ itself; the collab port is for other nodes' edges.
        .put("collab", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        // Likewise /files/: the upload port is for other nodes' edges.
        .put("upload", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("tokens", new JsonObject().put("signingKeys", new JsonArray().add(signingKey(services.folder()))))
        // Webhook receivers of a development mesh and of the tests listen on this machine.
        .put("webhooks", new JsonObject().put("allowedNetworks", new JsonArray().add("127.0.0.0/8")))
        // So do a remote transcription engine of theirs (transcription.engine = openai-compatible).
        .put("transcription", new JsonObject().put("workDirectory", dataDir.resolve("transcription").toString())
            .put("allowedNetworks", new JsonArray().add("127.0.0.0/8")))
        .put("render", new JsonObject().put("workDirectory", dataDir.resolve("render").toString()))
        .put("cluster", new JsonObject().put("name", clusterName).put("host", "127.0.0.1").put("port", clusterPort)
            .put("members", new JsonArray(List.copyOf(clusterMembers))))
        // No load balancer stands in front of a development mesh: nothing to wait for when it stops.
        .put("drain", new JsonObject().put("delaySeconds", 0).put("graceSeconds", 10));
  }
}
