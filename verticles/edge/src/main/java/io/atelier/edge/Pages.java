package io.atelier.edge;

import io.atelier.database.PageCursor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The paging of every newest-first listing: {@code ?limit=} (1 to {@value #MAX_PAGE}, default
 * {@value #DEFAULT_PAGE}) and {@code ?cursor=} (a {@code nextCursor} a previous page gave), answered with
 * {@code {"items": [...], "nextCursor": ... | null}}.
 */
final class Pages {

  static final int DEFAULT_PAGE = 20;
  static final int MAX_PAGE = 100;

  /** The page a request asks for. */
  record Request(int limit, PageCursor after) {
  }

  private Pages() {
  }

  static Request request(RoutingContext ctx) {
    String rawLimit = ctx.request().getParam("limit");
    int limit;
    try {
      limit = rawLimit == null ? DEFAULT_PAGE : Integer.parseInt(rawLimit);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > MAX_PAGE) {
      throw Problem.invalidField("limit", "limit must be a whole number from 1 to " + MAX_PAGE);
    }
    String cursor = ctx.request().getParam("cursor");
    PageCursor after = cursor == null || cursor.isEmpty() ? null : PageCursor.decode(cursor).orElseThrow(
        () -> Problem.invalidField("cursor", "cursor must be a nextCursor a previous page gave"));
    return new Request(limit, after);
  }

  static JsonObject body(List<JsonObject> items, PageCursor next) {
    return new JsonObject().put("items", new JsonArray(items)).put("nextCursor", next == null ? null : next.encode());
  }
}
