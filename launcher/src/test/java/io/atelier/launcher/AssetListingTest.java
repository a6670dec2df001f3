package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /v1/assets}: a project's assets, newest first, a page at a time by cursor. */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class AssetListingTest {

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
