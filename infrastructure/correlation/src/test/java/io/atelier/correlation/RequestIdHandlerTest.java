package io.atelier.correlation;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every response says which id its request was handled with, and the handling's callbacks work for that id. */
class RequestIdHandlerTest {

  private Vertx vertx;
  private HttpServer server;
  private HttpClient client;

  @BeforeEach
  void startServer() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.route().handler(new RequestIdHandler());
    // The body names the id as a callback of the handling sees it, after a hop through a timer.
    router.get("/echo").handler(ctx -> vertx.setTimer(1, t -> ctx.response().end(String.valueOf(RequestIds.current()))));
    router.get("/fails").handler(ctx -> ctx.fail(503));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stopServer() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A response's status, id header and body, read together: a body not asked for at once is lost. */
  private record Answer(int status, String requestId, String body) {
  }

  private Answer get(String path, String requestId) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
        .setPort(server.actualPort()).setURI(path);
    if (requestId != null) {
      options.putHeader(RequestIds.HTTP_HEADER, requestId);
    }
    return client.request(options).compose(request -> request.send())
        .compose(response -> response.body().map(body -> new Answer(response.statusCode(),
            response.getHeader(RequestIds.HTTP_HEADER), body.toString())))
        .await(10, TimeUnit.SECONDS);
  }

  @Test
  void anAcceptableClientIdIsEchoedAndTheHandlingWorksForIt() throws Exception {
    Answer answer = get("/echo", "chaos-42");
    assertThat(answer.requestId()).isEqualTo("chaos-42");
    assertThat(answer.body()).isEqualTo("chaos-42");
  }

  @Test
  void aRequestWithoutAnIdOrWithAnUnacceptableOneGetsANewOneInTheResponse() throws Exception {
    Answer none = get("/echo", null);
    assertThat(RequestIds.isAcceptable(none.requestId())).isTrue();
    assertThat(none.body()).isEqualTo(none.requestId());

    Answer refused = get("/echo", "x".repeat(129));
    assertThat(refused.requestId()).isNotEqualTo("x".repeat(129)).isNotEqualTo(none.requestId());
    assertThat(RequestIds.isAcceptable(refused.requestId())).isTrue();
    assertThat(refused.body()).isEqualTo(refused.requestId());
  }

  @Test
  void aFailedRequestsAnswerCarriesTheIdToo() throws Exception {
    Answer answer = get("/fails", "chaos-43");
    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.requestId()).isEqualTo("chaos-43");
  }

  @Test
  void theNextRequestOnTheSameConnectionDoesNotInheritTheId() throws Exception {
    assertThat(get("/echo", "chaos-44").body()).isEqualTo("chaos-44");
    Answer next = get("/echo", null);
    assertThat(next.body()).isNotEqualTo("chaos-44").isEqualTo(next.requestId());
  }
}
