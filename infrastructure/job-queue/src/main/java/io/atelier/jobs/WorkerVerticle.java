package io.atelier.jobs;

import io.atelier.contracts.JobKind;
import io.atelier.database.DatabasePool;
import io.atelier.database.PostgresConfig;
import io.atelier.node.DrainConfig;
import io.atelier.node.Node;
import io.atelier.redis.RedisConnections;
import io.atelier.redis.RedisConfig;
import io.atelier.storage.ObjectStorage;
import io.atelier.storage.S3Config;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import java.util.Objects;

/**
 * Runs one kind of job on this node: opens the pool, Redis and object storage, makes the kind's handler and wires it
 * to a {@link JobWorker} and a {@link JobSweeper}. It only wires; the kind brings its handler and settings
 * ({@link JobHandlerFactory}). When the node drains, the worker stops taking jobs at once; on undeploy it lets its jobs
 * finish within {@code drain.graceSeconds} and hands back the rest, then everything closes in reverse order.
 */
public final class WorkerVerticle extends VerticleBase {

  private final JobHandlerFactory factory;
  private final Node node;
  private Pool pool;
  private Redis redis;
  private ObjectStorage storage;
  private JobHandler handler;
  private JobWorker worker;
  private JobSweeper sweeper;
  private Node.Registration workload;
  private Node.Registration onDrain;
  private DrainConfig drain;

  public WorkerVerticle(JobHandlerFactory factory, Node node) {
    this.factory = Objects.requireNonNull(factory, "factory");
    this.node = Objects.requireNonNull(node, "node");
  }

  public JobKind kind() {
    return factory.kind();
  }

  @Override
  public Future<?> start() {
    JobKind kind = factory.kind();
    WorkerConfig settings = factory.workerConfig(config());
    drain = DrainConfig.from(config());
    pool = DatabasePool.create(vertx, PostgresConfig.from(config()));
    redis = RedisConnections.create(vertx, RedisConfig.from(config()));
    storage = ObjectStorage.create(vertx, S3Config.from(config()));
    JobEngine engine = JobEngine.create(vertx, pool, redis);
    return factory.create(new WorkerResources(vertx, config(), pool, storage)).compose(made -> {
      handler = made;
      worker = new JobWorker(vertx, engine, kind, node.workerName(kind), settings, handler);
      sweeper = new JobSweeper(vertx, engine.jobs(), engine.queue(), kind.sharingQueue(), settings.sweepInterval(),
          settings.republishAfter());
      return worker.start().onSuccess(started -> {
        sweeper.start();
        workload = node.reportWorkload(kind.wireName(), worker::jobsInFlight);
        onDrain = node.onDraining(worker::stopTaking);
      });
    });
  }

  @Override
  public Future<?> stop() {
    if (sweeper != null) {
      sweeper.stop();
    }
    if (onDrain != null) {
      onDrain.remove();
    }
    Future<Void> stopped = worker == null ? Future.succeededFuture() : worker.stop(drain.grace());
    return stopped.eventually(() -> {
      if (workload != null) {
        workload.remove();
      }
      return handler == null ? Future.succeededFuture() : handler.close();
    }).eventually(() -> {
      storage.close();
      redis.close();
      return pool.close();
    });
  }
}
