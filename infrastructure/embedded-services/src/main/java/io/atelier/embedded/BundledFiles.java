package io.atelier.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Copies a binary that a jar on the classpath carries as a resource out to a folder, once. */
final class BundledFiles {

  private BundledFiles() {
  }

  static Path extract(String resource, Path target, boolean executable) {
    try (InputStream in = BundledFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource " + resource + " is not on the classpath");
      }
      Files.createDirectories(target.getParent());
      long size = resourceSize(resource);
      if (Files.exists(target) && size >= 0 && Files.size(target) == size) {
        return target;
      }
      Path partial = target.resolveSibling(target.getFileName() + ".part");
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      if (executable && !partial.toFile().setExecutable(true)) {
        throw new IllegalStateException("cannot make " + partial + " executable");
      }
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract " + resource + " to " + target, e);
    }
  }

  private static long resourceSize(String resource) throws IOException {
    var url = BundledFiles.class.getClassLoader().getResource(resource);
    return url == null ? -1 : url.openConnection().getContentLengthLong();
  }
}
