package io.atelier.render;

import io.atelier.contracts.render.ExportKitSpec;
import io.atelier.contracts.render.TranscodeSpec.Preset;
import io.atelier.jobs.JobControl;
import io.atelier.media.MediaInfo;
import io.atelier.media.MediaProbe;
import io.atelier.transcripts.TranscriptFormat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The {@code export-kit} kind: one zip for publishing by hand — the original file, the transcodes asked for, a
 * thumbnail, the transcript as SRT, VTT, TXT and JSON, the enrichment's JSON, the peaks, and {@code manifest.json}
 * saying what each file is, with its size, SHA-256 and, for media, its duration. Media is stored in the zip as it is
 * (already compressed); text is deflated.
 */
final class ExportKit implements MediaRenderer {

  static final String FILE = "kit.zip";
  static final String MANIFEST = "manifest.json";
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

  private final Transcode transcode;
  private final Thumbnail thumbnail;
  private final Peaks peaks;

  ExportKit(Transcode transcode, Thumbnail thumbnail, Peaks peaks) {
    this.transcode = transcode;
    this.thumbnail = thumbnail;
    this.peaks = peaks;
  }

  /** A file of the kit: its path inside the zip, what it is, its content type and where it is now. */
  private record Entry(String path, String role, String contentType, Path file, boolean media) {
  }

  @Override
  public List<Output> render(Input input, JobControl control) throws IOException, InterruptedException {
    ExportKitSpec spec = ExportKitSpec.from(input.params());
    if (input.transcript() == null) {
      throw new IllegalStateException("an export kit needs its transcript");
    }
    List<Entry> entries = new ArrayList<>();
    String original = input.filename() == null ? "original" : input.filename();
    entries.add(new Entry("original/" + original, "original", "application/octet-stream", input.media(), true));
    // The ffmpeg work in parts, each its share of the progress: transcodes by the input's length, the rest small.
    int parts = spec.transcodes().size() + 2;
    int part = 0;
    for (Preset preset : spec.transcodes()) {
      Output made = only(transcode.render(sub(input, "transcode-" + preset.wireName(),
          new JsonObject().put("preset", preset.wireName())), control.part((double) part / parts,
          (double) ++part / parts)));
      entries.add(new Entry("transcodes/" + made.name(), "transcode", made.contentType(), made.path(), true));
    }
    Output image = only(thumbnail.render(sub(input, "thumbnail", new JsonObject()),
        control.part((double) part / parts, (double) ++part / parts)));
    entries.add(new Entry(image.name(), "thumbnail", image.contentType(), image.path(), false));
    for (Output made : peaks.render(sub(input, "peaks", new JsonObject()), control.part((double) part / parts,
        (double) ++part / parts))) {
      entries.add(new Entry("peaks/" + made.name(), "peaks", made.contentType(), made.path(), false));
    }
    Path text = Files.createDirectories(input.scratch().resolve("transcript"));
    for (TranscriptFormat format : TranscriptFormat.values()) {
      Path file = Files.writeString(text.resolve("transcript." + format.extension()),
          format.render(input.transcript(), true), StandardCharsets.UTF_8);
      entries.add(new Entry("transcript/" + file.getFileName(), "transcript", format.contentType(), file, false));
    }
    if (input.enrichment() != null) {
      Path file = Files.writeString(input.scratch().resolve("enrichment.json"),
          input.enrichment().toApiJson().encodePrettily(), StandardCharsets.UTF_8);
      entries.add(new Entry("enrichment.json", "enrichment", "application/json", file, false));
    }
    control.throwIfCancelled();
    Path zip = input.scratch().resolve(FILE);
    write(zip, entries, manifest(input, entries));
    return List.of(new Output(FILE, zip, "application/zip"));
  }

  private static Input sub(Input input, String folder, JsonObject params) throws IOException {
    Path scratch = Files.createDirectories(input.scratch().resolve(folder));
    return new Input(input.media(), input.info(), scratch, params, input.filename(), input.transcript(),
        input.enrichment());
  }

  private static Output only(List<Output> outputs) {
    return outputs.get(0);
  }

  private static JsonObject manifest(Input input, List<Entry> entries) throws IOException {
    JsonArray files = new JsonArray();
    for (Entry entry : entries) {
      JsonObject file = new JsonObject().put("path", entry.path()).put("role", entry.role())
          .put("contentType", entry.contentType()).put("sizeBytes", Files.size(entry.file()))
          .put("sha256", sha256(entry.file()));
      if (entry.media()) {
        file.put("durationSeconds", duration(entry.file()));
      }
      files.add(file);
    }
    JsonObject manifest = new JsonObject().put("version", 1).put("createdAt", Instant.now().toString())
        .put("transcriptJobId", input.transcript().jobId().toString())
        .put("enrichmentJobId", input.enrichment() == null ? null : input.enrichment().jobId().toString())
        .put("files", files);
    if (input.filename() != null) {
      manifest.put("originalFilename", input.filename());
    }
    return manifest;
  }

  private static double duration(Path media) throws IOException {
    try {
      MediaInfo info = new MediaProbe(PROBE_TIMEOUT).probe(media.toString());
      return info.durationSeconds();
    } catch (MediaProbe.UnreadableMediaException e) {
      throw new IOException("ffprobe cannot read a file the kit made: " + e.getMessage(), e);
    }
  }

  private static void write(Path zip, List<Entry> entries, JsonObject manifest) throws IOException {
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      byte[] manifestBytes = manifest.encodePrettily().getBytes(StandardCharsets.UTF_8);
      out.putNextEntry(new ZipEntry(MANIFEST));
      out.write(manifestBytes);
      out.closeEntry();
      for (Entry entry : entries) {
        ZipEntry zipEntry = new ZipEntry(entry.path());
        if (entry.media()) {
          // Stored: deflating compressed media costs time and saves nothing. A stored entry needs its CRC first.
          zipEntry.setMethod(ZipEntry.STORED);
          zipEntry.setSize(Files.size(entry.file()));
          zipEntry.setCrc(crc32(entry.file()));
        }
        out.putNextEntry(zipEntry);
        Files.copy(entry.file(), out);
        out.closeEntry();
      }
    }
  }

  static String sha256(Path file) throws IOException {
    try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file),
        MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(in.getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  private static long crc32(Path file) throws IOException {
    try (CheckedInputStream in = new CheckedInputStream(Files.newInputStream(file), new CRC32())) {
      in.transferTo(OutputStream.nullOutputStream());
      return in.getChecksum().getValue();
    }
  }

}
