package io.atelier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The published document: valid OpenAPI 3.1, every example in it valid against its schema, and its validator's
 * refusals named in the API's terms.
 */
class ApiContractTest {

  private static Vertx vertx;
  private static ApiContract contract;
  private static RequestValidator validator;

  @BeforeAll
  static void load() throws Exception {
    vertx = Vertx.vertx();
    contract = await(ApiContract.load(vertx));
    validator = RequestValidator.create(vertx, contract.contract());
  }

  @AfterAll
  static void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void thePublishedDocumentIsValidOpenApi31AndEveryExampleMatchesItsSchema() throws Exception {
    JsonObject document = ApiContract.readDocument();
    assertThat(document.getString("openapi")).isEqualTo("3.1.0");
    OpenAPIVersion version = OpenAPIVersion.fromContract(document);
    SchemaRepository repository = await(version.getRepository(vertx, "app://"));
    OutputUnit valid = await(version.validateContract(vertx, repository, document));
    assertThat(valid.getValid()).as("the document against OpenAPI 3.1's schema: %s", valid.getErrors()).isTrue();

    JsonObject resolved = await(version.resolve(vertx, repository, document));
    List<String> checked = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    examples(resolved, "", (where, schema, example) -> {
      OutputUnit result = repository.validator(JsonSchema.of(schema)).validate(withoutAnnotations(example));
      checked.add(where);
      if (!result.getValid()) {
        wrong.add(where + ": " + result.getErrors());
      }
    });
    assertThat(wrong).isEmpty();
    assertThat(checked).as("examples of requests, responses and schemas").hasSizeGreaterThanOrEqualTo(10)
        .anyMatch(where -> where.contains("requestBody")).anyMatch(where -> where.contains("responses"))
        .anyMatch(where -> where.startsWith("/components/schemas"));
  }

  @Test
  void everyOperationIsNamedAndEveryJsonBodyHasALimit() {
    JsonObject paths = ApiContract.readDocument().getJsonObject("paths");
    List<String> ids = new ArrayList<>();
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (method.equals("parameters")) {
          continue;
        }
        JsonObject operation = item.getJsonObject(method);
        assertThat(operation.getString("operationId")).as("%s %s", method, path).isNotBlank();
        ids.add(operation.getString("operationId"));
        JsonObject body = operation.getJsonObject("requestBody");
        if (body != null && body.getJsonObject("content").containsKey("application/json")) {
          assertThat(operation.getValue(ApiContract.BODY_LIMIT)).as("%s %s", method, path).isInstanceOf(Number.class);
        }
      }
    }
    assertThat(ids).doesNotHaveDuplicates().hasSizeGreaterThan(40);
  }

  @Test
  void aRouteTheDocumentDoesNotDescribeIsFound() {
    Router router = Router.router(vertx);
    router.get("/v1/jobs/:jobId").handler(ctx -> { });
    router.route("/files/*").handler(ctx -> { });
    assertThat(contract.undocumented(router)).isEmpty();
    router.delete("/v1/jobs/:jobId").handler(ctx -> { });
    router.get("/v1/secret").handler(ctx -> { });
    router.route("/hidden/*").handler(ctx -> { });
    assertThat(contract.undocumented(router)).containsExactly("DELETE /v1/jobs/:jobId", "[GET] /v1/secret",
        "* /hidden/*");
  }

  @Test
  void aValidSubmissionPasses() throws Exception {
    await(validate("submitJob", body(new JsonObject().put("type", "transcription")
        .put("assetId", "0f8e2f4c-8f0e-4a53-9b8e-1f2d3c4b5a69")), Map.of()));
    await(validate("submitPipeline", body(new JsonObject().put("assetId", "0f8e2f4c-8f0e-4a53-9b8e-1f2d3c4b5a69")
        .put("steps", new JsonArray().add("transcription").add(new JsonObject().put("type", "audiogram")
            .put("params", new JsonObject().put("size", "1920x1080"))))), Map.of()));
  }

  @Test
  void aBodyThatDoesNotMatchIsRefusedNamingTheField() {
    String asset = "0f8e2f4c-8f0e-4a53-9b8e-1f2d3c4b5a69";
    assertRefused("submitJob", new JsonObject().put("assetId", asset), "type", "type is required");
    assertRefused("submitJob", new JsonObject().put("type", "transcription"), "assetId", "assetId is required");
    assertRefused("submitJob", new JsonObject().put("type", "nope").put("assetId", asset), "type", "type: ");
    assertRefused("submitJob", new JsonObject().put("type", "render").put("assetId", asset).put("maxAttempts", 0),
        "maxAttempts", "maxAttempts: ");
    assertRefused("submitJob", new JsonObject().put("type", "render").put("assetId", asset)
        .put("webhook", new JsonObject()), "webhook.url", "webhook.url is required");
    assertRefused("submitPipeline", new JsonObject().put("assetId", asset).put("steps", new JsonArray()
        .add("transcription").add(new JsonObject().put("type", 5))), "steps[1].type", "steps[1].type: ");
    assertRefused("submitPipeline", new JsonObject().put("assetId", asset).put("steps", new JsonArray()), "steps",
        "steps: ");
    assertRefused("createKey", new JsonObject().put("name", "ci").put("role", "owner"), "role", "role: ");
    assertRefused("createKey", new JsonObject().put("name", "ci").put("scope", "all"), "scope",
        "scope is not a field of this request");
  }

  @Test
  void aParameterThatDoesNotMatchIsRefusedNamingIt() {
    assertParameterRefused("listJobs", Map.of("limit", "0"), "limit", "limit: ");
    assertParameterRefused("listJobs", Map.of("limit", "many"), "limit", "limit");
    assertParameterRefused("listJobs", Map.of("state", "sleeping"), "state", "state: ");
    assertParameterRefused("pipelineEvents", Map.of(), "pipeline", "pipeline is required");
  }

  @Test
  void aBodyThatIsNotJsonIsABadRequest() {
    Throwable failure = failure(validate("submitJob", new RequestParameterImpl(Buffer.buffer("{\"type\":")),
        Map.of()));
    Problem problem = (Problem) ApiContract.problem(failure);
    assertThat(problem.status()).isEqualTo(400);
    assertThat(problem.toJson("/v1/jobs").getString("detail")).startsWith("the body is not valid JSON");
  }

  @Test
  void pointersBecomeTheApisFieldNames() {
    assertThat(ApiContract.field("/steps/1/params/preset")).isEqualTo("steps[1].params.preset");
    assertThat(ApiContract.field("/webhook/url")).isEqualTo("webhook.url");
    assertThat(ApiContract.field("/a~1b/c~0d")).isEqualTo("a/b.c~d");
    assertThat(ApiContract.field("")).isEmpty();
    assertThat(ApiContract.field("#")).isEmpty();
    assertThat(ApiContract.field("/")).isEqualTo("\"\"");
    assertThat(ApiContract.field("#/params/")).isEqualTo("params.\"\"");
  }

  private static void assertRefused(String operation, JsonObject body, String field, String detail) {
    Problem problem = (Problem) ApiContract.problem(failure(validate(operation, body(body), Map.of())));
    JsonObject json = problem.toJson("/");
    assertThat(json.getString("field")).as("%s %s: %s", operation, body, json).isEqualTo(field);
    assertThat(json.getString("detail")).as("%s", json).startsWith(detail);
    assertThat(problem.status()).isEqualTo(400);
  }

  private static void assertParameterRefused(String operation, Map<String, String> query, String field,
      String detail) {
    Problem problem = (Problem) ApiContract.problem(failure(validate(operation, null, query)));
    JsonObject json = problem.toJson("/");
    assertThat(json.getString("field")).as("%s %s: %s", operation, query, json).isEqualTo(field);
    assertThat(json.getString("detail")).as("%s", json).startsWith(detail);
  }

  private static RequestParameter body(JsonObject json) {
    return new RequestParameterImpl(json.toBuffer());
  }

  private static Future<?> validate(String operationId, RequestParameter body, Map<String, String> query) {
    Map<String, RequestParameter> params = new java.util.HashMap<>();
    query.forEach((name, value) -> params.put(name, new RequestParameterImpl(value)));
    ValidatableRequest request = new ValidatableRequestImpl(Map.of(), Map.of(), Map.of(), params, body,
        body == null ? null : "application/json");
    return validator.validate(request, operationId);
  }

  private static Throwable failure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the request was valid");
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** The example as written: resolving the document adds {@code __absolute_uri__} to its objects. */
  private static Object withoutAnnotations(Object value) {
    if (value instanceof JsonObject object) {
      JsonObject copy = new JsonObject();
      object.forEach(e -> {
        if (!e.getKey().startsWith("__")) {
          copy.put(e.getKey(), withoutAnnotations(e.getValue()));
        }
      });
      return copy;
    }
    if (value instanceof JsonArray array) {
      JsonArray copy = new JsonArray();
      array.forEach(item -> copy.add(withoutAnnotations(item)));
      return copy;
    }
    return value;
  }

  interface ExampleVisitor {
    void visit(String where, JsonObject schema, Object example);
  }

  /** Every {@code example} and {@code examples} of a media type or a schema, with the schema it illustrates. */
  private static void examples(Object node, String where, ExampleVisitor visitor) {
    if (node instanceof JsonObject object) {
      if (object.getValue("schema") instanceof JsonObject schema) {
        if (object.containsKey("example")) {
          visitor.visit(where + "/example", schema, object.getValue("example"));
        }
        if (object.getValue("examples") instanceof JsonObject named) {
          for (String name : named.fieldNames().stream().filter(name -> !name.startsWith("__")).toList()) {
            Object example = named.getValue(name);
            assertThat(example).as("%s/examples/%s is an Example object", where, name).isInstanceOf(JsonObject.class);
            visitor.visit(where + "/examples/" + name, schema, ((JsonObject) example).getValue("value"));
          }
        }
      } else if (object.containsKey("example") && where.startsWith("/components/schemas/")
          && where.chars().filter(c -> c == '/').count() == 3) {
        JsonObject schema = object.copy();
        schema.remove("example");
        visitor.visit(where + "/example", schema, object.getValue("example"));
      }
      for (String key : object.fieldNames()) {
        if (!key.equals("example") && !key.equals("examples") && !key.startsWith("__")) {
          examples(object.getValue(key), where + "/" + key, visitor);
        }
      }
    } else if (node instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        examples(array.getValue(i), where + "/" + i, visitor);
      }
    }
  }
}
