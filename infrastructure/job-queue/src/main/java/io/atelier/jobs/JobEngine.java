package io.atelier.jobs;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;

/**
 * The job engine's parts as one verticle uses them, built once over its database pool, its Redis client and the
 * event bus, and handed to whatever needs them (routes, workers, sweepers).
 */
public record JobEngine(Pool pool, Redis redis, JobRepository jobs, PipelineRepository pipelines, JobEvents events,
                        JobQueue queue, PipelineQueue pipelineQueue) {

  public static JobEngine create(Vertx vertx, Pool pool, Redis redis) {
    JobRepository jobs = new JobRepository(pool);
    PipelineRepository pipelines = new PipelineRepository(pool);
    JobEvents events = new JobEvents(vertx.eventBus());
    JobQueue queue = new JobQueue(jobs, redis, events, vertx.eventBus());
    return new JobEngine(pool, redis, jobs, pipelines, events, queue,
        new PipelineQueue(jobs, pipelines, queue, events));
  }
}
