package io.atelier.render;

import io.atelier.contracts.ErrorCode;
import io.atelier.database.EnrichmentRepository;
import io.atelier.database.Transcript;
import io.atelier.media.MediaInfo;
import io.atelier.jobs.JobControl;
import io.atelier.jobs.JobFailedException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What one render kind makes of an asset's file. Blocking: runs on a worker thread. */
interface MediaRenderer {

  /**
   * The asset's file downloaded to {@code media}, what ffprobe read of it, the attempt's scratch folder (outputs go
   * there) and the job's params; for the kinds that use them, the asset's file name, its transcript as people have
   * edited it and its enrichment (null when the kind does not use them or there is none).
   */
  record Input(Path media, MediaInfo info, Path scratch, JsonObject params, String filename, Transcript transcript,
               EnrichmentRepository.StoredEnrichment enrichment) {

    Input(Path media, MediaInfo info, Path scratch, JsonObject params) {
      this(media, info, scratch, params, null, null, null);
    }

    double seconds() {
      return info.durationSeconds();
    }

    /** The first video stream (its size); null for audio. */
    MediaInfo.Stream video() {
      return info.streams().stream().filter(s -> s.type().equals("video")).findFirst().orElse(null);
    }
  }

  /** One file made: its name in the render (and in its download path), where it is, its content type. */
  record Output(String name, Path path, String contentType) {
  }

  /**
   * Makes the kind's files; fails with an {@link io.atelier.contracts.render.InvalidParamException} for a bad param,
   * a {@link io.atelier.jobs.JobFailedException} for input it cannot use.
   */
  List<Output> render(Input input, JobControl control) throws IOException, InterruptedException;

  /** Fails the job (for good) when the asset has no audio to work on. */
  static void requireAudio(Input input) {
    if (!input.info().hasAudio()) {
      throw new JobFailedException(ErrorCode.INVALID_INPUT, "the asset has no audio stream to draw");
    }
  }

  /** The file ffmpeg said it wrote; a missing or empty one is ffmpeg's failure, not a render. */
  static Path produced(Path file) throws IOException {
    if (!Files.isRegularFile(file) || Files.size(file) == 0) {
      throw new JobFailedException(ErrorCode.CORRUPT_MEDIA, "ffmpeg ended without writing " + file.getFileName()
          + ": the input holds nothing it could render");
    }
    return file;
  }
}
