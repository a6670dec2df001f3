package io.atelier.storage;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the mesh keeps each file in its bucket: {@code projects/{project}/{folder}/{owner}/{file}}, the owner being
 * the asset or the job the file belongs to. Written here once, for the writers and for the sweep of orphaned files.
 */
public final class ObjectKeys {

  /** The kinds of file, by the folder they live in. */
  public enum Folder {
    /** An asset's original upload; the owner is the asset. */
    ASSETS("assets"),
    /** A transcription job's renderings; the owner is the job. */
    TRANSCRIPTS("transcripts"),
    /** A render job's outputs; the owner is the job. */
    RENDERS("renders"),
    /** The bytes of a resumable upload past its last whole part; the owner is the upload. */
    UPLOADS("uploads");

    private final String name;

    Folder(String name) {
      this.name = name;
    }
  }

  /** A key taken apart. */
  public record Key(UUID project, Folder folder, UUID owner, String file) {
  }

  private static final Pattern KEY = Pattern.compile(
      "projects/([0-9a-f-]{36})/(assets|transcripts|renders|uploads)/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/([^/]+)");

  private ObjectKeys() {
  }

  public static String of(UUID project, Folder folder, UUID owner, String file) {
    if (file.isEmpty() || file.contains("/")) {
      throw new IllegalArgumentException("a stored file's name has no slash and is not empty, was '" + file + "'");
    }
    return "projects/" + project + "/" + folder.name + "/" + owner + "/" + file;
  }

  /** Where every file of the mesh starts, or of one project's files. */
  public static String prefix(UUID project) {
    return project == null ? "projects/" : "projects/" + project + "/";
  }

  /** The parts of a key the mesh wrote; empty for anything else in the bucket. */
  public static Optional<Key> parse(String key) {
    Matcher m = KEY.matcher(key);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      Folder folder = switch (m.group(2)) {
        case "assets" -> Folder.ASSETS;
        case "transcripts" -> Folder.TRANSCRIPTS;
        case "renders" -> Folder.RENDERS;
        default -> Folder.UPLOADS;
      };
      return Optional.of(new Key(UUID.fromString(m.group(1)), folder, UUID.fromString(m.group(3)), m.group(4)));
    } catch (IllegalArgumentException notUuids) {
      return Optional.empty();
    }
  }
}
