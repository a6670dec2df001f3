package io.atelier.edge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The edge's OpenAPI 3.1 document ({@code openapi.yaml} beside this class): served at {@code /openapi.json}, and
 * every {@code /v1} request is checked against it (Vert.x's {@link RequestValidator}) before its route sees it. A
 * request that does not match is refused with a {@code 400} problem naming the field, in the request's own terms
 * ({@code steps[1].type}, {@code limit}). JSON bodies are read here, up to the operation's
 * {@code x-atelier-body-limit}; bodies marked {@code x-atelier-streamed} (files) are left to their routes, which
 * stream them, so only those operations' parameters are checked here.
 */
final class ApiContract {

  static final String RESOURCE = "io/atelier/edge/openapi.yaml";
  static final String BODY_LIMIT = "x-atelier-body-limit";
  static final String STREAMED = "x-atelier-streamed";
  /** The body limit of a JSON operation that names none. */
  static final long DEFAULT_BODY_LIMIT = 64 * 1024;
  private static final String OPERATION = "atelier.operation";
  private static final Pattern PARAMETER = Pattern.compile("(?:path|query|header|cookie) parameter ([^\\s.]+)");
  private static final Pattern REQUIRED = Pattern.compile("required property \"?'?([^\"'\\s]+)");

  private final JsonObject document;
  private final OpenAPIContract contract;
  private final RequestValidator validator;
  private final Map<String, BodyHandler> bodyReaders = new ConcurrentHashMap<>();

  private ApiContract(JsonObject document, OpenAPIContract contract, RequestValidator validator) {
    this.document = document;
    this.contract = contract;
    this.validator = validator;
  }

  /** Reads the document and builds its validator; fails if the document is not a valid OpenAPI 3.1 document. */
  static Future<ApiContract> load(Vertx vertx) {
    // Reading and parsing the YAML is file I/O: off the event loop.
    return vertx.executeBlocking(ApiContract::readDocument).compose(document ->
        OpenAPIContract.from(vertx, validating(document))
            .map(contract -> new ApiContract(document, contract, RequestValidator.create(vertx, contract))));
  }

  /** The document as written, to publish. */
  static JsonObject readDocument() {
    try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      // JSON types only (SafeConstructor), and timestamps stay strings: they are examples, not dates.
      LoaderOptions options = new LoaderOptions();
      Map<String, Object> tree = new Yaml(new SafeConstructor(options) {
        {
          yamlConstructors.put(org.yaml.snakeyaml.nodes.Tag.TIMESTAMP, yamlConstructors.get(
              org.yaml.snakeyaml.nodes.Tag.STR));
        }
      }).load(in);
      return new JsonObject(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The copy the validator is built from: requests only (responses keep their descriptions; the validator has no
   * use for their bodies, and problem+json or event streams are media types it does not know), and no body for
   * streamed operations.
   */
  static JsonObject validating(JsonObject document) {
    JsonObject copy = document.copy();
    JsonObject paths = copy.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (!(item.getValue(method) instanceof JsonObject operation) || method.equals("parameters")) {
          continue;
        }
        if (operation.getBoolean(STREAMED, false)) {
          operation.remove("requestBody");
        }
        JsonObject responses = operation.getJsonObject("responses");
        for (String status : responses.fieldNames()) {
          responses.put(status, new JsonObject().put("description", "see the published document"));
        }
      }
    }
    copy.getJsonObject("components").remove("responses");
    return copy;
  }

  JsonObject document() {
    return document;
  }

  OpenAPIContract contract() {
    return contract;
  }

  /** Serves the document, and checks every {@code /v1} request; mount after authentication and rate limiting. */
  void mount(Router router) {
    String published = document.encode();
    router.get("/openapi.json").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .end(published));
    router.route("/v1/*").handler(this::readBody).handler(this::check);
  }

  /**
   * The routes of {@code router} the document does not describe, as {@code METHOD path}: none, or the edge does not
   * start (a route added without its documentation fails every test that starts an edge). A prefix route
   * ({@code /files/*}) counts as described when some documented path starts with its prefix.
   */
  List<String> undocumented(Router router) {
    JsonObject paths = document.getJsonObject("paths");
    List<String> missing = new java.util.ArrayList<>();
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (path == null) {
        continue;
      }
      if (route.isExactPath()) {
        String documented = path.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
        JsonObject item = paths.getJsonObject(documented);
        Set<HttpMethod> methods = route.methods() == null ? Set.of() : route.methods();
        if (item == null) {
          missing.add((methods.isEmpty() ? "*" : methods.toString()) + " " + path);
          continue;
        }
        for (HttpMethod method : methods) {
          if (!item.containsKey(method.name().toLowerCase(java.util.Locale.ROOT))) {
            missing.add(method.name() + " " + path);
          }
        }
      } else if (paths.fieldNames().stream().noneMatch(documented -> documented.startsWith(path))) {
        missing.add("* " + path + "*");
      }
    }
    return missing;
  }

  /** Whether the request's operation takes a file that its route streams ({@code x-atelier-streamed}). */
  boolean streamsBody(io.vertx.core.http.HttpServerRequest request) {
    Operation operation = contract.findOperation(request.path(), request.method());
    return operation != null && Boolean.TRUE.equals(operation.getExtensions().get(STREAMED));
  }

  private void readBody(RoutingContext ctx) {
    Operation operation = contract.findOperation(ctx.request().path(), ctx.request().method());
    if (operation == null) {
      // Not an operation of the document: the router answers 404 or 405.
      ctx.next();
      return;
    }
    ctx.put(OPERATION, operation);
    if (operation.getRequestBody() == null) {
      ctx.next();
      return;
    }
    bodyReaders.computeIfAbsent(operation.getOperationId(), id -> BodyHandler.create(false)
        .setBodyLimit(operation.getExtensions().get(BODY_LIMIT) instanceof Number limit
            ? limit.longValue() : DEFAULT_BODY_LIMIT))
        .handle(ctx);
  }

  private void check(RoutingContext ctx) {
    Operation operation = ctx.get(OPERATION);
    if (operation == null) {
      ctx.next();
      return;
    }
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType != null) {
      // Media types are case-insensitive (RFC 9110); the validator compares them as written.
      ctx.request().headers().set(HttpHeaders.CONTENT_TYPE, contentType.toLowerCase(java.util.Locale.ROOT));
    }
    RequestUtils.extract(ctx.request(), operation, () -> Future.succeededFuture(body(ctx.body())))
        .compose(request -> validator.validate(request, operation.getOperationId()))
        .onSuccess(validated -> ctx.next())
        .onFailure(failure -> ctx.fail(problem(failure)));
  }

  private static Buffer body(RequestBody body) {
    return body == null || body.length() <= 0 ? null : body.buffer();
  }

  /** A refusal of the validator, as the problem the client reads: the field, in the request's terms. */
  static RuntimeException problem(Throwable failure) {
    if (!(failure instanceof ValidatorException refused)) {
      return failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
    }
    if (refused instanceof SchemaValidationException schema && schema.getOutputUnit() != null
        && !refused.getMessage().contains(" parameter ")) {
      return bodyProblem(schema.getOutputUnit());
    }
    Matcher parameter = PARAMETER.matcher(refused.getMessage());
    if (parameter.find()) {
      return Problem.invalidField(parameter.group(1), parameterDetail(parameter.group(1), refused));
    }
    if (refused.type() == ValidatorErrorType.MISSING_REQUIRED_PARAMETER) {
      return Problem.badRequest("the request needs a JSON body");
    }
    if (refused.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT) {
      return Problem.unsupportedMediaType("send the body as application/json");
    }
    return Problem.badRequest("the body is not valid JSON: " + firstLine(refused));
  }

  private static String parameterDetail(String name, ValidatorException refused) {
    if (refused.type() == ValidatorErrorType.MISSING_REQUIRED_PARAMETER) {
      return name + " is required";
    }
    if (refused instanceof SchemaValidationException schema && schema.getOutputUnit() != null) {
      return name + ": " + deepest(schema.getOutputUnit()).getError();
    }
    return name + " is malformed";
  }

  /** The most precise of a body's errors: the one deepest in the body (a oneOf's branches each add one). */
  private static Problem bodyProblem(OutputUnit result) {
    OutputUnit error = deepest(result);
    String field = field(error.getInstanceLocation());
    Matcher required = REQUIRED.matcher(String.valueOf(error.getError()));
    if (required.find()) {
      field = field.isEmpty() ? required.group(1) : field + "." + required.group(1);
      return Problem.invalidField(field, field + " is required");
    }
    if (String.valueOf(error.getError()).contains("additional properties")) {
      return Problem.invalidField(field, field + " is not a field of this request");
    }
    return Problem.invalidField(field.isEmpty() ? "body" : field,
        (field.isEmpty() ? "the body" : field) + ": " + error.getError());
  }

  /**
   * The most precise error: the deepest in the instance, and at one depth a plain one (a missing property, a wrong
   * type) before an unknown property, and that before a combinator's summary ("does not match every subschema").
   */
  private static OutputUnit deepest(OutputUnit result) {
    return leaves(result).reduce((best, next) -> precision(next) >= precision(best) ? next : best).orElse(result);
  }

  private static int precision(OutputUnit unit) {
    String error = String.valueOf(unit.getError());
    // A property the schema refuses is reported as "additional" too, beside the reason it is refused.
    int kind = error.contains("subschema") ? 0 : error.contains("additional properties") ? 1 : 2;
    return depth(unit.getInstanceLocation()) * 3 + kind;
  }

  private static Stream<OutputUnit> leaves(OutputUnit unit) {
    List<OutputUnit> errors = unit.getErrors();
    if (errors == null || errors.isEmpty()) {
      return unit.getError() == null ? Stream.empty() : Stream.of(unit);
    }
    return errors.stream().flatMap(ApiContract::leaves);
  }

  private static int depth(String pointer) {
    return pointer == null ? 0 : (int) pointer.chars().filter(c -> c == '/').count();
  }

  /** {@code /steps/1/params/preset} → {@code steps[1].params.preset}: how the API's problems name fields. */
  static String field(String pointer) {
    String path = pointer == null ? "" : pointer.startsWith("#") ? pointer.substring(1) : pointer;
    if (path.isEmpty()) {
      return "";
    }
    StringBuilder field = new StringBuilder();
    for (String token : path.substring(1).split("/", -1)) {
      String name = token.replace("~1", "/").replace("~0", "~");
      if (name.matches("\\d+")) {
        field.append('[').append(name).append(']');
      } else if (name.isEmpty()) {
        // A property named "" (JSON allows it): quoted, so that the field is still named.
        field.append(field.isEmpty() ? "" : ".").append("\"\"");
      } else {
        field.append(field.isEmpty() ? "" : ".").append(name);
      }
    }
    return field.toString();
  }

  private static String firstLine(Throwable failure) {
    String message = String.valueOf(failure.getMessage());
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
