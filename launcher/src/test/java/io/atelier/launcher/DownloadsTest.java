package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A stored file relayed through the edge (with ranges, as players seek) or handed out as an expiring S3 link. */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class DownloadsTest {

  @Test
  void anAssetIsServedWholeByRangeAndByAPresignedLink() throws Exception {
    TestMesh mesh = TestMesh.get();
    ApiClient api = mesh.client(mesh.projectA.apiKey());
    byte[] original = Files.readAllBytes(SpeechSamples.librivox().get(2).wav());
    String asset = api.uploadAsset(SpeechSamples.librivox().get(2).wav());

    HttpResponse<Buffer> whole = await(api.get("/v1/assets/" + asset + "/content").send());
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.getHeader("Content-Type")).isEqualTo("audio/wav");
    assertThat(whole.getHeader("Accept-Ranges")).isEqualTo("bytes");
    assertThat(whole.getHeader("Content-Disposition")).contains("attachment");
    assertThat(whole.body().getBytes()).isEqualTo(original);

    HttpResponse<Buffer> range = await(api.get("/v1/assets/" + asset + "/content").putHeader("Range", "bytes=10-109")
        .send());
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.getHeader("Content-Range")).isEqualTo("bytes 10-109/" + original.length);
    assertThat(range.body().getBytes()).isEqualTo(Arrays.copyOfRange(original, 10, 110));
    HttpResponse<Buffer> past = await(api.get("/v1/assets/" + asset + "/content")
        .putHeader("Range", "bytes=" + (original.length + 10) + "-").send());
    assertThat(past.statusCode()).isEqualTo(416);

    JsonObject link = await(api.get("/v1/assets/" + asset + "/link?ttlSeconds=120").send()).bodyAsJsonObject();
    assertThat(link.getString("expiresAt")).isNotBlank();
    WebClient plain = WebClient.create(mesh.clientVertx);
    try {
      HttpResponse<Buffer> fetched = await(plain.getAbs(link.getString("url")).send());
      assertThat(fetched.statusCode()).isEqualTo(200);
      assertThat(fetched.body().getBytes()).isEqualTo(original);
      // The link is signed: changed, it opens nothing.
      String tampered = link.getString("url").replace("X-Amz-Expires=120", "X-Amz-Expires=604800");
      assertThat(await(plain.getAbs(tampered).send()).statusCode()).isEqualTo(403);
    } finally {
      plain.close();
    }
    assertThat(await(api.get("/v1/assets/" + asset + "/link?ttlSeconds=0").send()).statusCode()).isEqualTo(400);
    ApiClient other = mesh.client(mesh.projectB.apiKey());
    assertThat(await(other.get("/v1/assets/" + asset + "/content").send()).statusCode()).isEqualTo(404);
    assertThat(await(other.get("/v1/assets/" + asset + "/link").send()).statusCode()).isEqualTo(404);
  }
}
