package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.assertProblem;
import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every upload format the README names for {@code POST /v1/assets}, made from real speech with ffmpeg, goes through
 * the real edge and is stored as the type its bytes say, with its exact size and digest; anything else is a 415.
 */
class UploadFormatsTest {

  @TempDir
  static Path samples;

  private static Path speech;

  @BeforeAll
  static void makeSamples() throws Exception {
    speech = Files.copy(SpeechSamples.librivox().get(4).wav(), samples.resolve("speech.wav"));
    encode("speech.mp3", "-c:a", "libmp3lame");
    encode("speech.ogg", "-c:a", "libvorbis");
    encode("speech.flac", "-c:a", "flac");
    SpeechSamples.videoWithSpeech(speech, samples.resolve("video.mp4"));
    encode("speech.m4a", "-c:a", "aac");
    encode("browser.webm", "-c:a", "libopus", "-f", "webm");
    encode("speech.mka", "-c:a", "flac", "-f", "matroska");
    encode("speech.aac", "-c:a", "aac", "-f", "adts");
    encode("speech.aiff", "-f", "aiff");
    encode("speech.3gp", "-c:a", "aac", "-f", "3gp");
  }

  private static void encode(String name, String... arguments) throws IOException, InterruptedException {
    SpeechSamples.convert(speech, samples.resolve(name), arguments);
  }

  static Stream<Arguments> namedFormats() {
    return Stream.of(
        Arguments.of("WAV", "speech.wav", "audio/wav"),
        Arguments.of("MP3", "speech.mp3", "audio/mpeg"),
        Arguments.of("OGG", "speech.ogg", "audio/ogg"),
        Arguments.of("FLAC", "speech.flac", "audio/flac"),
        Arguments.of("MP4 video", "video.mp4", "video/mp4"),
        Arguments.of("MP4 audio", "speech.m4a", "audio/mp4"),
        Arguments.of("WebM", "browser.webm", "video/webm"),
        Arguments.of("Matroska", "speech.mka", "video/x-matroska"),
        Arguments.of("AAC", "speech.aac", "audio/aac"),
        Arguments.of("AIFF", "speech.aiff", "audio/aiff"),
        Arguments.of("3GP", "speech.3gp", "video/3gpp"));
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  @ParameterizedTest(name = "{0} is stored as {2}")
  @MethodSource("namedFormats")
  void anUploadInANamedFormatIsStoredAsTheTypeItsBytesSay(String format, String name, String contentType)
      throws Exception {
    TestMesh mesh = TestMesh.get();
    ApiClient api = mesh.client(mesh.projectA.apiKey());
    Path sample = samples.resolve(name);

    // The client claims nothing: the type comes from the bytes alone.
    HttpResponse<Buffer> response = api.upload(sample, "application/octet-stream");

    assertThat(response.statusCode()).as("%s: %s", format, response.bodyAsString()).isEqualTo(201);
    JsonObject asset = response.bodyAsJsonObject();
    assertThat(asset.getString("contentType")).isEqualTo(contentType);
    assertThat(asset.getLong("sizeBytes")).isEqualTo(Files.size(sample));
    assertThat(asset.getString("sha256")).isEqualTo(sha256(sample));
    assertThat(asset.getString("filename")).isEqualTo(name);
    assertThat(response.getHeader("Location")).isEqualTo("/v1/assets/" + asset.getString("id"));
    JsonObject stored = await(api.get("/v1/assets/" + asset.getString("id")).send()).bodyAsJsonObject();
    assertThat(stored).isEqualTo(asset);
  }

  @Test
  void aFileThatIsNoMediaIsUnsupportedMediaType() throws Exception {
    TestMesh mesh = TestMesh.get();
    ApiClient api = mesh.client(mesh.projectA.apiKey());
    Path notes = Files.writeString(samples.resolve("notes.mp3"), "Minutes of the meeting: the sound was fine.\n");

    JsonObject problem = assertProblem(api.upload(notes, "application/octet-stream"), 415);

    assertThat(problem.getString("type")).isEqualTo("/problems/unsupported-media-type");
    assertThat(problem.getString("detail")).isEqualTo("the file's bytes are text/plain, not a supported media "
        + "format (WAV, MP3, OGG, FLAC, MP4, WebM/Matroska, AAC, AIFF, 3GP)");
  }
}
