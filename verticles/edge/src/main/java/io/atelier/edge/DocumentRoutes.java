package io.atelier.edge;

import io.atelier.contracts.BusAddresses;
import io.atelier.contracts.DocumentRelay;
import io.atelier.database.ApiKeyRepository.Role;
import io.atelier.database.DocumentRepository;
import io.atelier.database.DocumentRepository.Document;
import io.atelier.database.DocumentRepository.LoggedUpdate;
import io.atelier.tokens.AccessTokens;
import io.atelier.tokens.DocumentGrant;
import io.atelier.yjs.YjsUpdates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.UUID;

/**
 * Collaborative documents: tokens for their sockets ({@code POST /v1/documents/{name}/tokens}), their current text
 * and metadata ({@code GET /v1/documents/{name}}), their list, and their removal ({@code DELETE}), which closes
 * every socket on the document with a reason.
 */
final class DocumentRoutes {


  private final Vertx vertx;
  private final DocumentRepository documents;
  private final AccessTokens tokens;
  private final YjsUpdates yjs;
  private final String nodeId;

  DocumentRoutes(Vertx vertx, DocumentRepository documents, AccessTokens tokens, YjsUpdates yjs, String nodeId) {
    this.vertx = vertx;
    this.documents = documents;
    this.tokens = tokens;
    this.yjs = yjs;
    this.nodeId = nodeId;
  }

  void mount(Router router) {
    router.post("/v1/documents/:name/tokens")
        .handler(this::issueToken);
    router.get("/v1/documents").handler(this::list);
    router.get("/v1/documents/:name").handler(this::get);
    router.delete("/v1/documents/:name").handler(this::delete);
  }

  static String name(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (name == null || !DocumentRepository.NAME.matcher(name).matches()) {
      throw Problem.invalidField("name", "a document name is 1 to 200 letters, digits and . _ : -, starting with a "
          + "letter or digit");
    }
    return name;
  }

  private void issueToken(RoutingContext ctx) {
    String name = name(ctx);
    JsonObject body = TokenRequests.body(ctx);
    // A read key's token is read-only unless it asks for more, which it may not have.
    boolean mayEdit = ApiKeyAuthHandler.owner(ctx).role().covers(Role.MEMBER);
    DocumentGrant.Access access;
    try {
      access = DocumentGrant.Access.fromWire(body.getValue("access", mayEdit ? "write" : "read") instanceof String s
          ? s : "?");
    } catch (IllegalArgumentException e) {
      throw Problem.invalidField("access", e.getMessage());
    }
    if (access == DocumentGrant.Access.WRITE && !mayEdit) {
      throw Problem.forbidden("a key with the read role gets read-only document tokens; ask for access 'read'");
    }
    Instant expiresAt = TokenRequests.expiry(ctx, body, tokens::expiry);
    DocumentGrant grant = new DocumentGrant(ApiKeyAuthHandler.projectId(ctx), name, access, expiresAt,
        ApiKeyAuthHandler.tokenHolder(ctx));
    ctx.response().setStatusCode(201);
    ctx.json(new JsonObject().put("token", tokens.issue(grant)).put("document", name)
        .put("access", access.wireName()).put("expiresAt", expiresAt.toString())
        .put("url", "/collab/" + name));
  }

  private void list(RoutingContext ctx) {
    documents.list(ApiKeyAuthHandler.projectId(ctx), 500)
        .onSuccess(list -> {
          JsonArray items = new JsonArray();
          list.forEach(d -> items.add(metadata(d)));
          ctx.json(new JsonObject().put("documents", items));
        })
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    String name = name(ctx);
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    documents.find(projectId, name)
        .compose(found -> found.isEmpty()
            ? Future.failedFuture(Problem.notFound("no document '" + name + "' in this project"))
            : documents.updatesAfter(found.get().id(), 0).compose(rows -> vertx.executeBlocking(() -> {
              byte[] state = yjs.merge(rows.stream().map(LoggedUpdate::update).toList());
              return metadata(found.get()).put("bytes", state.length)
                  .put("text", yjs.text(state, DocumentRepository.TEXT_ROOT));
            }, false)))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    String name = name(ctx);
    UUID projectId = ApiKeyAuthHandler.projectId(ctx);
    documents.find(projectId, name)
        .compose(found -> found.isEmpty()
            ? Future.failedFuture(Problem.notFound("no document '" + name + "' in this project"))
            : documents.delete(projectId, name).onSuccess(deleted -> vertx.eventBus().publish(
                BusAddresses.document(found.get().id()),
                DocumentRelay.deleted(nodeId, "the document was deleted").toJson())))
        .onSuccess(deleted -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private static JsonObject metadata(Document document) {
    return new JsonObject().put("name", document.name()).put("updates", document.head())
        .put("createdAt", document.createdAt().toInstant().toString())
        .put("updatedAt", document.updatedAt().toInstant().toString());
  }
}
