package io.atelier.jobs;

import io.atelier.contracts.JobKind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * What a kind of job brings to the one {@link WorkerVerticle}: its kind, its worker settings read from its section of
 * the configuration, and its handler. Each kind keeps its own configuration record, handler and tests.
 */
public interface JobHandlerFactory {

  JobKind kind();

  /**
   * How this kind's worker consumes its stream (concurrency, lease), from the kind's section of the node's
   * configuration; fails with a message naming the key that is wrong.
   */
  WorkerConfig workerConfig(JsonObject config);

  /** Makes the handler, on what the worker verticle opened for it; the handler closes what it opens itself. */
  Future<JobHandler> create(WorkerResources resources);
}
