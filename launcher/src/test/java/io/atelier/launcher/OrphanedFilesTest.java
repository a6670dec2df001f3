package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.storage.ObjectKeys;
import io.atelier.storage.OrphanedFiles;
import io.atelier.database.ApiKeyRepository;
import io.atelier.storage.ObjectStorage;
import io.atelier.storage.S3Config;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scheduled "delete abandoned uploads" and "purge expired artifacts" tasks against real S3 (S3Proxy) and
 * PostgreSQL: files no row names are deleted once old enough, every file still wanted stays.
 */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class OrphanedFilesTest {

  static TestMesh mesh;
  static ApiKeyRepository.NewProject project;
  static ObjectStorage storage;
  static OrphanedFiles orphans;

  @BeforeAll
  static void connect() throws Exception {
    mesh = TestMesh.get();
    // A project of its own: the sweep looks at its files only, so every count below is exact.
    project = mesh.newProject("orphans");
    storage = ObjectStorage.create(mesh.clientVertx, S3Config.from(mesh.edgeConfig));
    orphans = HousekeepingVerticle.orphanedFiles(mesh.pool, storage, project.projectId());
  }

  @AfterAll
  static void close() {
    storage.close();
  }

  @Test
  void filesNoRowNamesAreDeletedOnceOldEnoughAndWantedOnesStay() throws Exception {
    UUID project = OrphanedFilesTest.project.projectId();
    String asset = mesh.client(OrphanedFilesTest.project.apiKey()).uploadAsset(SpeechSamples.librivox().get(1).wav());
    String uploaded = key("SELECT storage_key FROM assets WHERE id = $1", UUID.fromString(asset));
    String abandonedUpload = "projects/" + project + "/assets/" + UUID.randomUUID() + "/original";

    UUID succeeded = job(asset, "succeeded");
    await(mesh.pool.preparedQuery("""
        INSERT INTO transcripts (job_id, project_id, asset_id, engine, language, duration_seconds, text, words, files)
        VALUES ($1, $2, $3, 'vosk', 'en', 1.0, 'hello', '[]', '{}')""")
        .execute(Tuple.of(succeeded, project, UUID.fromString(asset))));
    String transcriptOfSucceeded = "projects/" + project + "/transcripts/" + succeeded + "/transcript.json";
    UUID running = job(asset, "running");
    String renderOfRunning = "projects/" + project + "/renders/" + running + "/waveform.png";
    String renderOfFailed = "projects/" + project + "/renders/" + job(asset, "failed") + "/waveform.png";
    String transcriptOfNoJob = "projects/" + project + "/transcripts/" + UUID.randomUUID() + "/transcript.srt";
    String notTheMeshs = ObjectKeys.prefix(project) + "notes/" + UUID.randomUUID() + "/notes.txt";
    List<String> written = List.of(abandonedUpload, transcriptOfSucceeded, renderOfRunning, renderOfFailed,
        transcriptOfNoJob, notTheMeshs);
    for (String key : written) {
      await(storage.putBytes(key, key.getBytes(StandardCharsets.UTF_8), "application/octet-stream"));
    }

    // Young files may be writes whose rows are still on their way: an hour's grace keeps all of them.
    assertThat(await(orphans.delete(UPLOADS, Duration.ofHours(1)))).isZero();
    assertThat(await(orphans.delete(ARTIFACTS, Duration.ofHours(1)))).isZero();
    for (String key : written) {
      assertThat(await(storage.exists(key))).as(key).isTrue();
    }

    // S3 keeps times to the second: past it, every file above is older than a grace of zero.
    Thread.sleep(1_100);
    assertThat(await(orphans.delete(UPLOADS, Duration.ZERO))).as("the abandoned upload").isEqualTo(1);
    assertThat(await(storage.exists(abandonedUpload))).isFalse();
    assertThat(await(storage.exists(uploaded))).isTrue();
    assertThat(await(storage.exists(renderOfFailed))).as("artifacts are the other task's").isTrue();

    assertThat(await(orphans.delete(ARTIFACTS, Duration.ZERO))).as("the failed job's render, the transcript of no job")
        .isEqualTo(2);
    assertThat(await(storage.exists(renderOfFailed))).isFalse();
    assertThat(await(storage.exists(transcriptOfNoJob))).isFalse();
    assertThat(await(storage.exists(transcriptOfSucceeded))).isTrue();
    assertThat(await(storage.exists(renderOfRunning))).as("its job may still write its row").isTrue();
    assertThat(await(storage.exists(notTheMeshs))).isTrue();
    assertThat(await(storage.exists(uploaded))).isTrue();
    // The running job above has no worker: end it, so that no other test counts it as in flight.
    await(mesh.pool.preparedQuery("UPDATE jobs SET state = 'cancelled', finished_at = now() WHERE id = $1").execute(Tuple.of(running)));
  }

  static final java.util.Set<ObjectKeys.Folder> UPLOADS = java.util.EnumSet.of(ObjectKeys.Folder.ASSETS);
  static final java.util.Set<ObjectKeys.Folder> ARTIFACTS =
      java.util.EnumSet.of(ObjectKeys.Folder.TRANSCRIPTS, ObjectKeys.Folder.RENDERS);

  private static UUID job(String asset, String state) {
    UUID id = UUID.randomUUID();
    await(mesh.pool.preparedQuery("""
        INSERT INTO jobs (id, project_id, kind, state, asset_id, lease_expires_at, lease_owner, finished_at)
        VALUES ($1, $2, 'render', $3, $4, now() + interval '1 hour', 'elsewhere',
                CASE WHEN $3 IN ('queued', 'running') THEN NULL ELSE now() END)""")
        .execute(Tuple.of(id, project.projectId(), state, UUID.fromString(asset))));
    return id;
  }

  private static String key(String sql, UUID id) {
    return await(mesh.pool.preparedQuery(sql).execute(Tuple.of(id))).iterator().next().getString(0);
  }
}
