package io.atelier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Coverage-guided fuzzing of JSON request bodies through the published document's validation: whatever the bytes,
 * the validator accepts them or they are refused with a {@code 400} (or {@code 415}) problem that names a field when
 * it says one is wrong; nothing else escapes. What it accepts is a JSON object, as Jackson reads it. The first byte
 * picks the operation; the rest is the body.
 */
class ApiContractFuzzTest {

  private static final List<String> OPERATIONS = List.of("submitJob", "submitPipeline", "createKey",
      "createDocumentToken", "createUploadToken");
  private static final Vertx VERTX = Vertx.vertx();
  private static final RequestValidator VALIDATOR;

  static {
    try {
      VALIDATOR = RequestValidator.create(VERTX, ApiContract.load(VERTX).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS).contract());
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @FuzzTest(maxDuration = "5s")
  void anyJsonBodyPassesOrIsRefusedNamingTheField(byte[] input) throws Exception {
    // No byte at all: the first operation, with an empty body.
    String operation = OPERATIONS.get(input.length == 0 ? 0 : Byte.toUnsignedInt(input[0]) % OPERATIONS.size());
    Buffer body = Buffer.buffer(input.length == 0 ? new byte[0] : Arrays.copyOfRange(input, 1, input.length));
    Future<?> validated = VALIDATOR.validate(new ValidatableRequestImpl(Map.of(), Map.of(), Map.of(), Map.of(),
        new RequestParameterImpl(body), "application/json"), operation);
    try {
      validated.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException refused) {
      RuntimeException answer = ApiContract.problem(refused.getCause());
      assertThat(answer).as("%s: %s", operation, refused.getCause()).isInstanceOf(Problem.class);
      Problem problem = (Problem) answer;
      assertThat(problem.status()).isIn(400, 415);
      JsonObject json = problem.toJson("/v1");
      assertThat(Json.encode(json)).isNotEmpty();
      if (json.getString("type").equals("/problems/invalid-field")) {
        assertThat(json.getString("field")).isNotBlank();
      }
      return;
    }
    // Accepted: an object, or nothing where the body is optional.
    if (body.length() > 0 && !body.toString().isBlank()) {
      Object decoded;
      try {
        decoded = Json.decodeValue(body);
      } catch (DecodeException e) {
        throw new AssertionError(operation + " accepted a body that is not JSON: " + body, e);
      }
      assertThat(decoded).as("%s accepted %s", operation, body).isInstanceOf(JsonObject.class);
    }
  }
}
