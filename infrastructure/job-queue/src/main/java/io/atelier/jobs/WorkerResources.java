package io.atelier.jobs;

import io.atelier.storage.ObjectStorage;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

/** What the worker verticle opens for its handler: the node's configuration, its database pool and object storage. */
public record WorkerResources(Vertx vertx, JsonObject config, Pool pool, ObjectStorage storage) {
}
