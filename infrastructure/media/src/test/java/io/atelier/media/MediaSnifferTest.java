package io.atelier.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediaSnifferTest {

  private static final Path SPEECH =
      Path.of("/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0880.wav");

  @TempDir
  static Path samples;

  private final MediaSniffer sniffer = new MediaSniffer();

  /** Encodes the speech clip with ffmpeg: {@code ffmpeg -i speech.wav <arguments> samples/<name>}. */
  private static Path encode(String name, String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"));
    command.addAll(List.of(arguments));
    command.add(samples.resolve(name).toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
    }
    return samples.resolve(name);
  }

  private static Path fromSpeech(String name, String... arguments) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of("-i", SPEECH.toString()));
    all.addAll(List.of(arguments));
    return encode(name, all.toArray(String[]::new));
  }

  @BeforeAll
  static void makeSamples() throws Exception {
    assertThat(SPEECH).as("Debian's pocketsphinx-testdata is installed").isRegularFile();
    Files.copy(SPEECH, samples.resolve("speech.wav"));
    fromSpeech("id3.mp3", "-c:a", "libmp3lame");
    fromSpeech("bare16k.mp3", "-c:a", "libmp3lame", "-id3v2_version", "0", "-write_xing", "0");
    fromSpeech("bare44k.mp3", "-ar", "44100", "-ac", "2", "-c:a", "libmp3lame", "-id3v2_version", "0",
        "-write_xing", "0");
    fromSpeech("vorbis.ogg", "-c:a", "libvorbis");
    fromSpeech("opus.ogg", "-c:a", "libopus", "-f", "ogg");
    fromSpeech("opus.opus", "-c:a", "libopus");
    fromSpeech("speech.flac", "-c:a", "flac");
    fromSpeech("speech.m4a", "-c:a", "aac");
    String[] video = {"-f", "lavfi", "-i", "color=c=navy:s=320x240:r=25", "-i", SPEECH.toString(), "-shortest",
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac"};
    encode("video.mp4", video);
    encode("phone.mov", video);
    fromSpeech("browser.webm", "-c:a", "libopus", "-f", "webm");
    fromSpeech("speech.mka", "-c:a", "flac", "-f", "matroska");
    fromSpeech("speech.aiff", "-f", "aiff");
    fromSpeech("speech.aac", "-c:a", "aac", "-f", "adts");
    fromSpeech("speech.3gp", "-c:a", "aac", "-f", "3gp");
    encode("phone.3gp", "-f", "lavfi", "-i", "color=c=navy:s=176x144:r=15", "-i", SPEECH.toString(), "-shortest",
        "-c:v", "h263", "-c:a", "aac", "-ar", "16000", "-f", "3gp");
    encode("picture.png", "-f", "lavfi", "-i", "color=c=red:s=16x16", "-frames:v", "1");

    Files.writeString(samples.resolve("notes.txt"), "Meeting notes\nThe sound was fine.\n");
    Files.writeString(samples.resolve("text.wav"), "RIFF is what a WAV starts with, but this is just text.\n");
    Files.writeString(samples.resolve("document.pdf"), "%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<<>>\nendobj\n",
        StandardCharsets.ISO_8859_1);
    Files.write(samples.resolve("empty.mp3"), new byte[0]);
    try (OutputStream out = Files.newOutputStream(samples.resolve("archive.zip"));
        ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("speech.wav"));
      zip.write(Files.readAllBytes(SPEECH));
      zip.closeEntry();
    }
  }

  private Optional<String> sniff(String sample) throws IOException {
    return sniffer.sniff(samples.resolve(sample));
  }

  // ---- media the mesh accepts ----

  @Test
  void aWavIsAudioWav() throws IOException {
    assertThat(sniff("speech.wav")).contains("audio/wav");
  }

  @Test
  void anMp3WithAnId3TagIsAudioMpeg() throws IOException {
    assertThat(Files.readAllBytes(samples.resolve("id3.mp3"))).startsWith('I', 'D', '3');
    assertThat(sniff("id3.mp3")).contains("audio/mpeg");
  }

  @Test
  void anMp3WithoutAnId3TagOrXingHeaderIsAudioMpegFromItsFirstFrame() throws IOException {
    // 16 kHz gives MPEG-2 layer III frames (FF F3), 44.1 kHz gives MPEG-1 layer III frames (FF FB).
    assertThat(Files.readAllBytes(samples.resolve("bare16k.mp3"))).startsWith((byte) 0xFF, (byte) 0xF3);
    assertThat(Files.readAllBytes(samples.resolve("bare44k.mp3"))).startsWith((byte) 0xFF, (byte) 0xFB);

    assertThat(sniff("bare16k.mp3")).contains("audio/mpeg");
    assertThat(sniff("bare44k.mp3")).contains("audio/mpeg");
  }

  @Test
  void oggVorbisIsAudioOgg() throws IOException {
    assertThat(sniff("vorbis.ogg")).contains("audio/ogg");
  }

  @Test
  void opusInAnOggContainerIsAudioOgg() throws IOException {
    assertThat(sniff("opus.ogg")).contains("audio/ogg");
    assertThat(sniff("opus.opus")).contains("audio/ogg");
  }

  @Test
  void flacIsAudioFlac() throws IOException {
    assertThat(sniff("speech.flac")).contains("audio/flac");
  }

  @Test
  void anH264AacMp4VideoIsVideoMp4() throws IOException {
    assertThat(sniff("video.mp4")).contains("video/mp4");
  }

  @Test
  void aQuickTimeMovieIsVideoMp4() throws IOException {
    assertThat(sniff("phone.mov")).contains("video/mp4");
  }

  @Test
  void anM4aIsAudioMp4() throws IOException {
    assertThat(sniff("speech.m4a")).contains("audio/mp4");
  }

  @Test
  void aBrowserRecordingInWebmIsAccepted() throws IOException {
    assertThat(sniff("browser.webm")).contains("video/webm");
  }

  @Test
  void matroskaAndAiffAreAccepted() throws IOException {
    assertThat(sniff("speech.mka")).contains("video/x-matroska");
    assertThat(sniff("speech.aiff")).contains("audio/aiff");
  }

  @Test
  void rawAacInAdtsFramesIsAudioAac() throws IOException {
    // An ADTS frame header starts with the 12-bit sync word FFF.
    byte[] bytes = Files.readAllBytes(samples.resolve("speech.aac"));
    assertThat(bytes[0]).isEqualTo((byte) 0xFF);
    assertThat(bytes[1] & 0xF0).isEqualTo(0xF0);

    assertThat(sniff("speech.aac")).contains("audio/aac");
  }

  @Test
  void threeGpAudioAndAPhonesThreeGpVideoAreVideo3gpp() throws IOException {
    // An ISO media file whose major brand is 3GP ("ftyp3gp4"), not MP4's "isom".
    for (String sample : List.of("speech.3gp", "phone.3gp")) {
      byte[] head = Arrays.copyOfRange(Files.readAllBytes(samples.resolve(sample)), 4, 11);
      assertThat(new String(head, StandardCharsets.US_ASCII)).as(sample).isEqualTo("ftyp3gp");
    }

    assertThat(sniff("speech.3gp")).contains("video/3gpp");
    assertThat(sniff("phone.3gp")).contains("video/3gpp");
  }

  // ---- everything else ----

  @Test
  void plainTextIsNotMedia() throws IOException {
    assertThat(sniff("notes.txt")).isEmpty();
    assertThat(sniffer.describe(samples.resolve("notes.txt"))).isEqualTo("text/plain");
  }

  @Test
  void aPictureIsNotMedia() throws IOException {
    assertThat(sniff("picture.png")).isEmpty();
    assertThat(sniffer.describe(samples.resolve("picture.png"))).isEqualTo("image/png");
  }

  @Test
  void aZipHoldingAWavIsNotMedia() throws IOException {
    assertThat(sniff("archive.zip")).isEmpty();
  }

  @Test
  void aPdfIsNotMedia() throws IOException {
    assertThat(sniff("document.pdf")).isEmpty();
    assertThat(sniffer.describe(samples.resolve("document.pdf"))).isEqualTo("application/pdf");
  }

  @Test
  void anEmptyFileIsNotMediaWhateverItIsCalled() throws IOException {
    assertThat(sniff("empty.mp3")).isEmpty();
  }

  @Test
  void textNamedLikeAWavIsNotMedia() throws IOException {
    assertThat(sniff("text.wav")).isEmpty();
  }

  @Test
  void theFileNameNeverChangesTheAnswer() throws IOException {
    List<String> all = new ArrayList<>();
    try (var files = Files.list(samples)) {
      files.filter(Files::isRegularFile).forEach(p -> all.add(p.getFileName().toString()));
    }
    assertThat(all).hasSizeGreaterThanOrEqualTo(17);
    Path renamed = Files.createDirectories(samples.resolve("renamed"));
    for (String sample : all) {
      Optional<String> original = sniff(sample);
      for (String name : List.of("upload", "upload.bin", "clip.wav", "clip.mp3", "clip.mp4", "notes.txt", "x.pdf")) {
        Path copy = renamed.resolve(name);
        Files.copy(samples.resolve(sample), copy, StandardCopyOption.REPLACE_EXISTING);
        assertThat(sniffer.sniff(copy)).as("%s renamed %s", sample, name).isEqualTo(original);
      }
    }
  }
}
