package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /v1/assets} and {@code GET /v1/jobs}: a project's assets and jobs, newest first, a page at a time by
 * cursor.
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class AssetListingTest {

  @Test
  void jobsAreListedNewestFirstFilteredAndPageByPage() throws Exception {
    TestMesh mesh = TestMesh.get();
    var project = mesh.newProject("job listing");
    ApiClient api = mesh.client(project.apiKey());
    String asset = api.uploadAsset(SpeechSamples.librivox().get(1).wav());
    String other = api.uploadAsset(SpeechSamples.librivox().get(2).wav());
    List<String> noops = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      JsonObject submitted = api.submit(new JsonObject().put("type", "noop").put("assetId", asset)).bodyAsJsonObject();
      noops.add(0, submitted.getString("id"));
    }
    String transcription = api.submitTranscription(other);
    JsonObject all = await(api.get("/v1/jobs").send()).bodyAsJsonObject();
    assertThat(all.getJsonArray("items").stream().map(j -> ((JsonObject) j).getString("id")).toList())
        .containsExactly(transcription, noops.get(0), noops.get(1), noops.get(2));
    JsonObject first = await(api.get("/v1/jobs?type=noop&limit=2").send()).bodyAsJsonObject();
    assertThat(first.getJsonArray("items").stream().map(j -> ((JsonObject) j).getString("id")).toList())
        .containsExactly(noops.get(0), noops.get(1));
    JsonObject second = await(api.get("/v1/jobs?type=noop&limit=2&cursor=" + first.getString("nextCursor")).send())
        .bodyAsJsonObject();
    assertThat(second.getJsonArray("items").getJsonObject(0).getString("id")).isEqualTo(noops.get(2));
    assertThat(second.getValue("nextCursor")).isNull();
    JsonArray ofOther = await(api.get("/v1/jobs?assetId=" + other).send()).bodyAsJsonObject().getJsonArray("items");
    assertThat(ofOther.size()).isEqualTo(1);
    assertThat(ofOther.getJsonObject(0).getString("type")).isEqualTo("transcription");
    assertThat(await(api.get("/v1/jobs?state=succeeded&type=noop").send()).bodyAsJsonObject().getJsonArray("items"))
        .isEmpty();
    assertThat(await(mesh.client(mesh.newProject("no jobs").apiKey()).get("/v1/jobs").send()).bodyAsJsonObject()
        .getJsonArray("items")).isEmpty();
    for (String bad : List.of("type=nap", "state=done", "assetId=42", "limit=101", "cursor=x")) {
      assertThat(await(api.get("/v1/jobs?" + bad).send()).bodyAsJsonObject().getString("field"))
          .isEqualTo(bad.substring(0, bad.indexOf('=')));
    }
  }

  @Test
  void assetsAreListedNewestFirstPageByPage() throws Exception {
    TestMesh mesh = TestMesh.get();
    var project = mesh.newProject("listing");
    ApiClient api = mesh.client(project.apiKey());
    List<String> uploaded = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      uploaded.add(0, api.uploadAsset(SpeechSamples.librivox().get(i).wav()));
    }
    JsonObject first = await(api.get("/v1/assets?limit=2").send()).bodyAsJsonObject();
    JsonArray items = first.getJsonArray("items");
    assertThat(items.size()).isEqualTo(2);
    assertThat(items.getJsonObject(0).getString("id")).isEqualTo(uploaded.get(0));
    assertThat(items.getJsonObject(1).getString("id")).isEqualTo(uploaded.get(1));
    assertThat(items.getJsonObject(0).getJsonObject("media").getDouble("durationSeconds")).isPositive();
    String cursor = first.getString("nextCursor");
    assertThat(cursor).isNotBlank();
    JsonObject second = await(api.get("/v1/assets?limit=2&cursor=" + cursor).send()).bodyAsJsonObject();
    assertThat(second.getJsonArray("items").size()).isEqualTo(1);
    assertThat(second.getJsonArray("items").getJsonObject(0).getString("id")).isEqualTo(uploaded.get(2));
    assertThat(second.getValue("nextCursor")).isNull();
    // Another project sees none of them.
    JsonArray others = await(mesh.client(mesh.newProject("other").apiKey()).get("/v1/assets").send())
        .bodyAsJsonObject().getJsonArray("items");
    assertThat(others).isEmpty();
    assertThat(await(api.get("/v1/assets?limit=0").send()).statusCode()).isEqualTo(400);
    assertThat(await(api.get("/v1/assets?limit=abc").send()).statusCode()).isEqualTo(400);
    assertThat(await(api.get("/v1/assets?cursor=nonsense").send()).bodyAsJsonObject().getString("field"))
        .isEqualTo("cursor");
  }
}
