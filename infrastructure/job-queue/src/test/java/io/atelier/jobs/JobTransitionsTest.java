package io.atelier.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.contracts.JobState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The moves between job states that PostgreSQL's transition functions make are exactly those {@link JobState}
 * declares: each transition is tried on a job in every state, set up so that nothing but its state stands in the way
 * (due, its lease expired, its attempt the current one, attempts left).
 */
class JobTransitionsTest {

  static Vertx vertx;
  static Pool pool;
  static JobRepository jobs;
  static UUID project;
  static UUID asset;

  static JobTestServices fixture;

  @BeforeAll
  static void startPostgres() {
    fixture = JobTestServices.start("transitions", 2);
    vertx = fixture.vertx();
    pool = fixture.pool();
    jobs = fixture.engine().jobs();
    project = fixture.project();
    asset = fixture.asset();
  }

  @AfterAll
  static void stopPostgres() {
    fixture.close();
  }

  /** Each transition the job engine has, applied to one job; true when it took effect. */
  static final Map<String, Function<UUID, Future<Boolean>>> TRANSITIONS = new LinkedHashMap<>();

  static {
    OffsetDateTime soon = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(60);
    TRANSITIONS.put("start", id -> jobs.startAttempts(java.util.List.of(id), "worker", Duration.ofSeconds(30))
        .map(started -> !started.isEmpty()));
    TRANSITIONS.put("succeed", id -> jobs.markAllSucceeded(java.util.List.of(new JobRepository.Attempt(id, 1)))
        .map(marked -> marked.get(0)));
    TRANSITIONS.put("fail with a retry", id -> jobs.markFailed(id, 1, "internal: x", soon).map(s -> s.isPresent()));
    TRANSITIONS.put("fail for good", id -> jobs.markFailed(id, 1, "corrupt_media: x", null).map(s -> s.isPresent()));
    TRANSITIONS.put("end a cancelled attempt", id -> jobs.markCancelled(id, 1));
    TRANSITIONS.put("hand back", id -> jobs.handBack(java.util.List.of(new JobRepository.Attempt(id, 1)))
        .map(handed -> !handed.isEmpty()));
    TRANSITIONS.put("request cancellation", id -> jobs.requestCancel(project, id).map(j -> j.isPresent()));
    TRANSITIONS.put("requeue", id -> jobs.requeue(project, id, 3).map(j -> j.isPresent()));
  }

  @Test
  void theSqlMovesAJobBetweenExactlyTheStatesJobStateDeclares() {
    Set<String> declared = new TreeSet<>();
    for (JobState from : JobState.values()) {
      from.successors().forEach(to -> declared.add(from.wireName() + " -> " + to.wireName()));
    }
    Set<String> made = new TreeSet<>();
    for (JobState from : JobState.values()) {
      for (Map.Entry<String, Function<UUID, Future<Boolean>>> transition : TRANSITIONS.entrySet()) {
        UUID job = jobIn(from);
        boolean tookEffect = JobWorkerTest.await(transition.getValue().apply(job));
        JobState to = state(job);
        if (tookEffect) {
          made.add(from.wireName() + " -> " + to.wireName());
        } else {
          assertThat(to).as("%s on a %s job changed nothing", transition.getKey(), from).isEqualTo(from);
        }
      }
    }
    assertThat(made).isEqualTo(declared);
  }

  @Test
  void aRunningJobsCancellationIsOnlyRequestedUntilItsAttemptEnds() {
    UUID job = jobIn(JobState.RUNNING);
    assertThat(JobWorkerTest.await(jobs.requestCancel(project, job)).orElseThrow().cancelRequested()).isTrue();
    assertThat(state(job)).isEqualTo(JobState.RUNNING);
    assertThat(JobWorkerTest.await(jobs.markCancelled(job, 1))).isTrue();
    assertThat(state(job)).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void aHandedBackAttemptIsGivenBackAndLogged() {
    UUID job = jobIn(JobState.RUNNING);
    Job handed = JobWorkerTest.await(jobs.handBack(java.util.List.of(new JobRepository.Attempt(job, 1)))).get(0);
    assertThat(handed.state()).isEqualTo(JobState.QUEUED);
    assertThat(handed.maxAttempts()).as("the attempt does not count against the job").isEqualTo(4);
    assertThat(JobWorkerTest.await(jobs.startAttempts(java.util.List.of(job), "another", Duration.ofSeconds(30))))
        .as("due at once").hasSize(1);
    assertThat(JobWorkerTest.await(pool.preparedQuery(
            "SELECT attempt, outcome, error FROM job_attempts WHERE job_id = $1 ORDER BY attempt")
        .execute(Tuple.of(job))).iterator().next().getString("outcome")).isEqualTo("handed back");
  }

  /** A job in {@code state}, with nothing but its state standing in the way of a transition. */
  private static UUID jobIn(JobState state) {
    UUID id = UUID.randomUUID();
    JobWorkerTest.await(pool.preparedQuery("""
            INSERT INTO jobs (id, project_id, kind, state, asset_id, attempts, max_attempts, run_at, lease_owner,
                              lease_expires_at, finished_at)
            VALUES ($1, $2, 'noop', $3, $4, 1, 3, now() - interval '1 second', 'gone', now() - interval '1 second',
                    CASE WHEN $3 IN ('queued', 'running') THEN NULL ELSE now() END)""")
        .execute(Tuple.of(id, project, state.wireName(), asset)));
    if (state == JobState.RUNNING) {
      // The attempt's start is in the log, as every running job's is.
      JobWorkerTest.await(pool.preparedQuery("""
              INSERT INTO job_events (project_id, job_id, type, state, attempt, worker)
              VALUES ($1, $2, 'state', 'running', 1, 'gone')""").execute(Tuple.of(project, id)));
    }
    return id;
  }

  private static JobState state(UUID job) {
    return JobState.fromWireName(JobWorkerTest.await(pool.preparedQuery("SELECT state FROM jobs WHERE id = $1")
        .execute(Tuple.of(job))).iterator().next().getString("state"));
  }

  static {
    // Every state is tried.
    assertThat(EnumSet.allOf(JobState.class)).hasSize(5);
  }
}
