package io.atelier.jobs;

import io.atelier.database.DatabasePool;
import io.atelier.database.Migrations;
import io.atelier.database.PostgresConfig;
import io.atelier.embedded.EmbeddedServices;
import io.atelier.redis.RedisConfig;
import io.atelier.redis.RedisConnections;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Embedded PostgreSQL (migrated) and Redis for one test class, clients of both on one Vert.x instance, and a project
 * with an asset for its jobs to work on.
 */
record JobTestServices(EmbeddedServices services, Vertx vertx, Pool pool, Redis redis, JobEngine engine,
                       UUID project, UUID asset) implements AutoCloseable {

  static JobTestServices start(String name, int poolSize) {
    EmbeddedServices services = EmbeddedServices.startTemporary("atelier-" + name + "-test-");
    var pg = services.postgres();
    PostgresConfig config = new PostgresConfig(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(), poolSize);
    Migrations.apply(config);
    Vertx vertx = Vertx.vertx();
    Pool pool = DatabasePool.create(vertx, config);
    Redis redis = RedisConnections.create(vertx, new RedisConfig(services.redisUri(), poolSize));
    UUID project = UUID.randomUUID();
    UUID asset = UUID.randomUUID();
    JobWorkerTest.await(pool.preparedQuery("INSERT INTO projects (id, name) VALUES ($1, $2)")
        .execute(Tuple.of(project, name)));
    JobWorkerTest.await(pool.preparedQuery("""
        INSERT INTO assets (id, project_id, content_type, size_bytes, sha256, storage_key)
        VALUES ($1, $2, 'audio/wav', 1, repeat('a', 64), 'k')""").execute(Tuple.of(asset, project)));
    return new JobTestServices(services, vertx, pool, redis, JobEngine.create(vertx, pool, redis), project, asset);
  }

  @Override
  public void close() {
    JobWorkerTest.await(vertx.close());
    services.close();
  }
}
