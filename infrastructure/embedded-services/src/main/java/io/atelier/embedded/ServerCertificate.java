package io.atelier.embedded;

import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** A server's certificate and private key, PEM files. */
public record ServerCertificate(Path certificate, Path privateKey) {

  /**
   * A new key and a certificate for {@code host} that it signs itself, made now, in {@code folder}: for the tests, the
   * certificate is also what a client trusts.
   */
  public static ServerCertificate selfSigned(Path folder, String host) {
    SelfSignedCertificate made = SelfSignedCertificate.create(host);
    try {
      return new ServerCertificate(Path.of(made.certificatePath()), Path.of(made.privateKeyPath())).copyInto(folder);
    } finally {
      made.delete();
    }
  }

  /**
   * Both files copied into {@code folder}, the key readable by its owner only: PostgreSQL refuses a key that others
   * may read.
   */
  ServerCertificate copyInto(Path folder) {
    try {
      Files.createDirectories(folder);
      Path cert = Files.copy(certificate, folder.resolve("server.crt"), StandardCopyOption.REPLACE_EXISTING);
      Path key = Files.copy(privateKey, folder.resolve("server.key"), StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      return new ServerCertificate(cert, key);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the server's certificate into " + folder, e);
    }
  }
}
