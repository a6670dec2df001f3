package io.atelier.transcription;

import static io.atelier.transcription.ExternalTools.ffmpeg;
import static io.atelier.transcription.ExternalTools.run;
import static io.atelier.transcription.ExternalTools.speechClip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.data.Percentage.withPercentage;

import io.atelier.contracts.ErrorCode;
import io.atelier.jobs.JobFailedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FfmpegAudioDecoderTest {

  /** The clip lasts 47 840 samples at 16 kHz. */
  private static final double CLIP_SECONDS = 47_840 / 16_000.0;

  @TempDir
  Path dir;
  private Path scratch;
  private Path media;

  /** Collects what the decoder hands over, copying each chunk as the buffer is reused. */
  private static final class CollectingSink implements FfmpegAudioDecoder.PcmSink {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final List<Integer> chunkLengths = new ArrayList<>();

    @Override
    public void accept(byte[] buffer, int length) {
      chunkLengths.add(length);
      bytes.write(buffer, 0, length);
    }
  }

  @BeforeEach
  void scratchLikeTheJobHandler() throws IOException {
    // The job handler downloads the asset to <scratch>/media and hands the decoder the same scratch folder.
    scratch = Files.createDirectories(dir.resolve("jobs").resolve("job-1"));
    media = scratch.resolve("media");
  }

  private CollectingSink decode(Path decoderMedia) throws Exception {
    CollectingSink sink = new CollectingSink();
    long total = new FfmpegAudioDecoder("ffmpeg").decode(decoderMedia, scratch, sink);
    assertThat(total).isEqualTo(sink.bytes.size());
    assertThat(sink.chunkLengths).allSatisfy(length -> assertThat(length % 2).as("chunk of %d bytes", length)
        .isZero());
    assertOnlyTheMediaIsLeftInScratch();
    return sink;
  }

  private void assertOnlyTheMediaIsLeftInScratch() throws IOException {
    try (Stream<Path> files = Files.list(scratch)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).as("ffmpeg's log is removed")
          .containsExactly("media");
    }
  }

  private JobFailedException decodeFailure() {
    JobFailedException failure = catchThrowableOfType(JobFailedException.class,
        () -> new FfmpegAudioDecoder("ffmpeg").decode(media, scratch, (buffer, length) -> { }));
    assertThat(failure).as("decoding %s fails", media).isNotNull();
    return failure;
  }

  // ---- what comes out ----

  @Test
  void speechDecodesToTheSamePcmAsSoxInWholeSampleChunks() throws Exception {
    Files.copy(speechClip(), media);
    byte[] sox = run("sox", speechClip().toString(), "-t", "raw", "-e", "signed-integer", "-b", "16", "-L",
        "-c", "1", "-r", "16000", "-");

    CollectingSink sink = decode(media);

    assertThat(sox).hasSize(47_840 * 2);
    assertThat(sink.bytes.toByteArray()).isEqualTo(sox);
  }

  @Test
  void pipeReadsThatSplitASampleAreReassembledIntoWholeSamples() throws Exception {
    Files.copy(speechClip(), media);
    // Real ffmpeg, its output cut into odd-sized writes with short pauses, so that the decoder's reads often end
    // in the middle of a 16-bit sample.
    Path fragmenting = Files.writeString(dir.resolve("ffmpeg-in-odd-pieces"), """
        #!/bin/bash
        set -o pipefail
        ffmpeg "$@" | perl -e '
          my @sizes = (1, 3, 4093, 2, 5, 8191, 7, 8190); my $i = 0;
          while (read(STDIN, my $piece, $sizes[$i++ % @sizes])) {
            syswrite(STDOUT, $piece) or exit 1;
            select(undef, undef, undef, 0.002);
          }'
        """);
    Files.setPosixFilePermissions(fragmenting, PosixFilePermissions.fromString("rwx------"));
    byte[] direct = decode(media).bytes.toByteArray();

    CollectingSink sink = new CollectingSink();
    long total = new FfmpegAudioDecoder(fragmenting.toString()).decode(media, scratch, sink);

    assertThat(total).isEqualTo(direct.length);
    assertThat(sink.chunkLengths).allSatisfy(length -> assertThat(length % 2).isZero());
    assertThat(sink.bytes.toByteArray()).isEqualTo(direct);
    assertOnlyTheMediaIsLeftInScratch();
  }

  @Test
  void aStereoMp3IsDownmixedAndResampledExactlyAsFfmpegDoesItAndKeepsItsDuration() throws Exception {
    ffmpeg(speechClip(), dir.resolve("speech.mp3"), "-ac", "2", "-ar", "44100", "-c:a", "libmp3lame");
    Files.copy(dir.resolve("speech.mp3"), media);
    byte[] reference = run("ffmpeg", "-nostdin", "-v", "error", "-i", media.toString(), "-vn", "-ac", "1",
        "-ar", "16000", "-f", "s16le", "-");

    CollectingSink sink = decode(media);

    assertThat(sink.bytes.toByteArray()).isEqualTo(reference);
    assertThat(sink.bytes.size() / 32_000.0).isCloseTo(CLIP_SECONDS, withPercentage(5));
  }

  @Test
  void theSoundTrackOfAnH264VideoIsDecoded() throws Exception {
    run("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=navy:s=320x240:r=25",
        "-i", speechClip().toString(), "-shortest", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-f", "mp4", media.toString());

    CollectingSink sink = decode(media);

    assertThat(sink.bytes.size() / 32_000.0).isCloseTo(CLIP_SECONDS, withPercentage(5));
  }

  // ---- what cannot be decoded ----

  @Test
  void randomBytesBehindAFlacSignatureAreCorruptMediaAndTheReasonDoesNotNameTheScratchFile() throws Exception {
    byte[] noise = new byte[64 * 1024];
    new Random(7).nextBytes(noise);
    Files.write(media, "fLaC".getBytes(StandardCharsets.US_ASCII));
    Files.write(media, noise, StandardOpenOption.APPEND);

    JobFailedException failure = decodeFailure();

    assertThat(failure.code()).isEqualTo(ErrorCode.CORRUPT_MEDIA);
    assertThat(failure.getMessage()).startsWith("ffmpeg cannot decode the audio: ")
        .doesNotContain(scratch.toString()).doesNotContain(dir.toString());
    assertOnlyTheMediaIsLeftInScratch();
  }

  @Test
  void aVideoWithoutASoundTrackIsCorruptMedia() throws Exception {
    run("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=red:s=160x120:d=1",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-f", "mp4", media.toString());

    JobFailedException failure = decodeFailure();

    assertThat(failure.code()).isEqualTo(ErrorCode.CORRUPT_MEDIA);
    assertThat(failure.getMessage()).isEqualTo("the file has no audio stream");
    assertOnlyTheMediaIsLeftInScratch();
  }

  @Test
  void aWavWithoutASingleSampleHoldsNoDecodableAudio() throws Exception {
    run("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "0",
        "-f", "wav", media.toString());

    JobFailedException failure = decodeFailure();

    assertThat(failure.code()).isEqualTo(ErrorCode.CORRUPT_MEDIA);
    assertThat(failure.getMessage()).isEqualTo("the file holds no decodable audio");
    assertOnlyTheMediaIsLeftInScratch();
  }

  @Test
  void textIsCorruptMedia() throws Exception {
    Files.writeString(media, "WEBVTT\n\nnot audio at all\n");

    assertThat(decodeFailure().code()).isEqualTo(ErrorCode.CORRUPT_MEDIA);
    assertOnlyTheMediaIsLeftInScratch();
  }

  @Test
  void aFailingSinkStopsTheDecodeAndTheLogIsStillRemoved() throws Exception {
    Files.copy(speechClip(), media);

    assertThatThrownBy(() -> new FfmpegAudioDecoder("ffmpeg").decode(media, scratch, (buffer, length) -> {
      throw new UncheckedIOException(new IOException("recogniser gave up"));
    })).isInstanceOf(UncheckedIOException.class).hasMessageContaining("recogniser gave up");
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
        .map(p -> p.info().command().orElse("?")).toList()).as("ffmpeg was stopped with the decode")
        .noneMatch(command -> command.endsWith("ffmpeg"));
    assertOnlyTheMediaIsLeftInScratch();
  }
}
