package io.atelier.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL alone in a folder, with {@code ssl=on} and a given certificate: for the tests of the clients' TLS
 * settings. Like any server so configured, it still accepts plain connections; the clients decide.
 */
public final class TlsPostgres implements AutoCloseable {

  private final EmbeddedPostgres postgres;

  private TlsPostgres(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  public static TlsPostgres start(Path folder, ServerCertificate certificate) {
    ServerCertificate own = certificate.copyInto(folder.resolve("tls"));
    List<Durability.Setting> settings = new ArrayList<>(Durability.DEV_DEFAULTS.postgresSettings());
    settings.add(new Durability.Setting("ssl", "on"));
    settings.add(new Durability.Setting("ssl_cert_file", own.certificate().toString()));
    settings.add(new Durability.Setting("ssl_key_file", own.privateKey().toString()));
    return new TlsPostgres(EmbeddedServices.startPostgres(folder.toAbsolutePath(), FreePorts.pick(), settings));
  }

  /** How to log in, under {@code host}: the name the certificate carries, or another to see it refused. */
  public PostgresEndpoint endpoint(String host) {
    return EmbeddedServices.postgresEndpoint(host, postgres.getPort());
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
