package io.atelier.edge;

import io.atelier.contracts.JobKind;
import io.atelier.database.EnrichmentRepository;
import io.atelier.jobs.JobRepository;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** {@code GET /v1/enrichments/{jobId}}: the keywords, summary and chapters an enrichment job made. */
final class EnrichmentRoutes {

  private final JobLookup jobs;
  private final EnrichmentRepository enrichments;

  EnrichmentRoutes(JobRepository jobs, EnrichmentRepository enrichments) {
    this.jobs = new JobLookup(jobs);
    this.enrichments = enrichments;
  }

  void mount(Router router) {
    router.get("/v1/enrichments/:jobId").handler(this::get);
  }

  private void get(RoutingContext ctx) {
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    String ref = ctx.pathParam("jobId");
    jobs.succeeded(projectId, ref, JobKind.ENRICHMENT, "enrichment")
        .compose(job -> enrichments.find(projectId, job.id()).compose(found -> found.map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(Problem.notFound("job " + ref + " has no enrichment")))))
        .onSuccess(enrichment -> ctx.json(enrichment.toApiJson()))
        .onFailure(ctx::fail);
  }
}
