package io.atelier.database;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Which of many ids a query finds, in one round trip: the query takes them as the array {@code $1}. */
public final class IdLookup {

  private IdLookup() {
  }

  public static Future<Set<UUID>> found(Pool pool, String sql, List<UUID> ids) {
    return pool.preparedQuery(sql)
        .execute(Tuple.of(ids.toArray(UUID[]::new)))
        .map(rows -> {
          Set<UUID> found = new HashSet<>();
          rows.forEach(row -> found.add(row.getUUID(0)));
          return found;
        });
  }
}
