package io.atelier.edge;

import io.atelier.database.ProjectQuotas.Exceeded;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/** A quota check's outcome as the API answers it: a problem naming the quota, its number and the project's use. */
final class Quotas {

  private Quotas() {
  }

  static Future<Void> refuseIfExceeded(Optional<Exceeded> exceeded) {
    if (exceeded.isEmpty()) {
      return Future.succeededFuture();
    }
    Exceeded quota = exceeded.get();
    return Future.failedFuture(Problem.quotaExceeded(quota.status(), quota.detail(), new JsonObject()
        .put("quota", quota.quota()).put("limit", quota.limit()).put("used", quota.used())));
  }
}
