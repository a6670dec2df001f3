package io.atelier.edge;

import io.atelier.database.ApiKeyRepository;
import io.atelier.database.ApiKeyRepository.KeyInfo;
import io.atelier.database.ApiKeyRepository.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.UUID;

/**
 * The project's API keys, for its admins: {@code GET /v1/keys} lists them (never the keys themselves, only their
 * first characters), {@code POST /v1/keys} makes one and shows it this once, {@code GET /v1/keys/{id}} shows one, and
 * {@code DELETE /v1/keys/{id}} revokes one. Keys are looked up afresh on every request, so a revoked key fails at
 * once on every edge.
 */
final class KeyRoutes {

  private static final int MAX_NAME_LENGTH = 100;
  private static final Set<String> FIELDS = Set.of("name", "role");

  private final ApiKeyRepository keys;

  KeyRoutes(ApiKeyRepository keys) {
    this.keys = keys;
  }

  void mount(Router router) {
    router.get("/v1/keys").handler(this::list);
    router.post("/v1/keys").handler(this::create);
    router.get("/v1/keys/:keyId").handler(this::get);
    router.delete("/v1/keys/:keyId").handler(this::revoke);
  }

  private void list(RoutingContext ctx) {
    keys.list(ApiKeyAuthHandler.projectId(ctx))
        .onSuccess(list -> {
          JsonArray items = new JsonArray();
          list.forEach(key -> items.add(json(key)));
          ctx.json(new JsonObject().put("keys", items));
        })
        .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    // A key lives until revoked: one made by a session would outlive it, as a renewed link would.
    if (ApiKeyAuthHandler.session(ctx).isPresent()) {
      throw Problem.forbidden("a session cannot make API keys, which would outlive it; make them with an API key");
    }
    JsonObject body = JobRoutes.jsonBody(ctx);
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw Problem.invalidField(field, "unknown field '" + field + "'; a key has a name and a role");
      }
    }
    if (!(body.getValue("name") instanceof String name) || name.isBlank() || name.length() > MAX_NAME_LENGTH
        || name.chars().anyMatch(Character::isISOControl)) {
      throw Problem.invalidField("name", "name must be 1 to " + MAX_NAME_LENGTH
          + " characters without control characters, telling who or what uses the key");
    }
    Role role;
    try {
      role = Role.fromWire(body.getValue("role", "member") instanceof String s ? s : "?");
    } catch (IllegalArgumentException e) {
      throw Problem.invalidField("role", e.getMessage());
    }
    keys.createKey(ApiKeyAuthHandler.projectId(ctx), name.strip(), role)
        .onSuccess(made -> ctx.response().setStatusCode(201)
            .putHeader("Location", "/v1/keys/" + made.info().id())
            // The key is in this answer only: no cache may keep it.
            .putHeader("Cache-Control", "no-store")
            .putHeader("Content-Type", "application/json")
            .end(json(made.info()).put("key", made.apiKey()).encode()))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    UUID keyId = keyId(ctx);
    keys.find(ApiKeyAuthHandler.projectId(ctx), keyId)
        .onSuccess(found -> {
          if (found.isEmpty()) {
            ctx.fail(Problem.notFound("no key " + keyId + " in this project"));
          } else {
            ctx.json(json(found.get()));
          }
        })
        .onFailure(ctx::fail);
  }

  private void revoke(RoutingContext ctx) {
    UUID keyId = keyId(ctx);
    keys.revoke(ApiKeyAuthHandler.projectId(ctx), keyId)
        .onSuccess(outcome -> {
          switch (outcome) {
            case REVOKED -> ctx.response().setStatusCode(204).end();
            case NOT_FOUND -> ctx.fail(Problem.notFound("no key " + keyId + " in this project"));
            case LAST_ADMIN -> ctx.fail(Problem.conflict("this is the project's last admin key: make another admin "
                + "key before revoking it, or nobody could manage the project's keys", new JsonObject()));
          }
        })
        .onFailure(ctx::fail);
  }

  private static UUID keyId(RoutingContext ctx) {
    return Ids.parse(ctx.pathParam("keyId"))
        .orElseThrow(() -> Problem.notFound("no key '" + ctx.pathParam("keyId") + "' in this project"));
  }

  private static JsonObject json(KeyInfo key) {
    return new JsonObject().put("id", key.id().toString()).put("name", key.name()).put("role", key.role().wireName())
        .put("prefix", key.prefix()).put("createdAt", text(key.createdAt())).put("lastUsedAt", text(key.lastUsedAt()))
        .put("revokedAt", text(key.revokedAt())).put("active", key.revokedAt() == null);
  }

  private static String text(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }
}
