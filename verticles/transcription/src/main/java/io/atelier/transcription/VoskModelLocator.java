package io.atelier.transcription;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Finds the Vosk model folder: the configured one, or the English model this module carries on its classpath.
 * Vosk reads a model from a folder, so a model inside a jar is extracted once into the work folder (keyed by the
 * model's uuid, completed atomically so two processes never see half a model).
 */
public final class VoskModelLocator {

  static final String BUNDLED_MODEL = "io/atelier/transcription/vosk-model-en/assets/model-en-us/";

  private VoskModelLocator() {
  }

  public static Path locate(TranscriptionConfig config) {
    if (!config.modelPath().isBlank()) {
      Path configured = Path.of(config.modelPath());
      if (!Files.isRegularFile(configured.resolve("conf/model.conf")) && !Files.isDirectory(configured.resolve("am"))) {
        throw new IllegalArgumentException("transcription.modelPath " + configured + " is not a Vosk model folder");
      }
      return configured;
    }
    URL marker = VoskModelLocator.class.getClassLoader().getResource(BUNDLED_MODEL + "uuid");
    if (marker == null) {
      throw new IllegalStateException("no Vosk model: set transcription.modelPath or put the bundled model on the classpath");
    }
    try {
      if ("file".equals(marker.getProtocol())) {
        return Path.of(marker.toURI()).getParent();
      }
      return extract(marker, Path.of(config.workDirectory()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the bundled Vosk model", e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("bad model location " + marker, e);
    }
  }

  private static Path extract(URL marker, Path workDirectory) throws IOException {
    String uuid;
    try (InputStream in = marker.openStream()) {
      uuid = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
    }
    Path target = workDirectory.resolve("vosk-model-en-" + uuid.replaceAll("[^A-Za-z0-9-]", ""));
    if (Files.isDirectory(target)) {
      return target;
    }
    Files.createDirectories(workDirectory);
    Path partial = Files.createTempDirectory(workDirectory, "vosk-model-");
    JarURLConnection connection = (JarURLConnection) marker.openConnection();
    connection.setUseCaches(false);
    try (JarFile jar = connection.getJarFile()) {
      for (JarEntry entry : (Iterable<JarEntry>) jar.stream()::iterator) {
        if (!entry.getName().startsWith(BUNDLED_MODEL) || entry.isDirectory()) {
          continue;
        }
        Path out = partial.resolve(entry.getName().substring(BUNDLED_MODEL.length())).normalize();
        if (!out.startsWith(partial)) {
          throw new IOException("model entry escapes its folder: " + entry.getName());
        }
        Files.createDirectories(out.getParent());
        try (InputStream in = jar.getInputStream(entry)) {
          Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    try {
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException anotherProcessWon) {
      deleteTree(partial);
      if (!Files.isDirectory(target)) {
        throw anotherProcessWon;
      }
    }
    return target;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
