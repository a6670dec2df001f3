package io.atelier.edge;

import io.atelier.contracts.JobKind;
import io.atelier.contracts.JobState;
import io.atelier.jobs.Job;
import io.atelier.jobs.JobRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Finding the project's job a path names: any job, or one of a kind whose result exists once it has succeeded. */
final class JobLookup {

  private final JobRepository jobs;

  JobLookup(JobRepository jobs) {
    this.jobs = jobs;
  }

  /** The project's job named by {@code raw}, or a 404 problem (another project's ids name nothing here). */
  Future<Job> find(UUID projectId, String raw) {
    return Ids.parse(raw)
        .map(id -> jobs.find(projectId, id))
        .orElseGet(() -> Future.succeededFuture(Optional.empty()))
        .compose(job -> job.map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(Problem.notFound("no job " + raw + " in this project"))));
  }

  /**
   * The project's {@code kind} job named by {@code raw} that has succeeded, whose {@code result} (its transcript,
   * its render) is then there to read: a 404 for another kind, a 409 naming the state before it has succeeded.
   */
  Future<Job> succeeded(UUID projectId, String raw, JobKind kind, String result) {
    return succeeded(projectId, raw, List.of(kind), result);
  }

  /** {@link #succeeded(UUID, String, JobKind, String)} for a job of any of {@code kinds}. */
  Future<Job> succeeded(UUID projectId, String raw, List<JobKind> kinds, String result) {
    return find(projectId, raw).compose(job -> {
      if (!kinds.contains(job.kind())) {
        String expected = kinds.size() == 1
            ? (kinds.get(0) == JobKind.ENRICHMENT ? "an " : "a ") + kinds.get(0).wireName()
            : "a " + result + " (" + String.join(", ", kinds.stream().map(JobKind::wireName).toList()) + ")";
        return Future.failedFuture(Problem.notFound("job " + raw + " is a " + job.kind().wireName() + " job, not "
            + expected));
      }
      if (job.state() != JobState.SUCCEEDED) {
        return Future.failedFuture(Problem.conflict("job " + raw + " is " + job.state().wireName() + "; its " + result
            + " exists once it has succeeded", new JsonObject().put("state", job.state().wireName())));
      }
      return Future.succeededFuture(job);
    });
  }
}
