package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The edge's /metrics carries the queue gauges and the workers' run times, in Prometheus form. */
@ExtendWith(TestMesh.LeaveNothingBehind.class)
class QueueMetricsTest {

  @Test
  void metricsShowTheQueueAndRunTimesPerKind() throws Exception {
    TestMesh mesh = TestMesh.get();
    ApiClient api = mesh.client(mesh.projectA.apiKey());
    String job = api.submitTranscription(api.uploadAsset(SpeechSamples.librivox().get(4).wav()));
    assertThat(api.awaitFinished(job, Duration.ofSeconds(120)).getString("state")).isEqualTo("succeeded");

    String metrics = await(mesh.client(null).unauthenticated("/metrics").send()).bodyAsString();
    assertThat(metrics)
        .contains("atelier_jobs_queued{kind=\"transcription\"")
        .contains("atelier_jobs_running{kind=\"transcription\"")
        .contains("atelier_jobs_retrying{kind=\"transcription\"")
        .contains("atelier_jobs_oldest_queued_seconds{kind=\"transcription\"")
        .containsPattern("atelier_jobs_run_seconds_count\\{kind=\"transcription\",outcome=\"succeeded\"[^}]*\\} [1-9]")
        .contains("atelier_jobs_run_seconds_bucket{");
  }
}
