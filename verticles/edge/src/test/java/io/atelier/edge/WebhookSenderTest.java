package io.atelier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.edge.WebhookSender.Outcome;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookSenderTest {

  private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("a signing key".getBytes());

  /** What the receiver saw of one request. */
  private record Received(String method, String uri, MultiMap headers, String body) {
  }

  private Vertx vertx;
  private HttpServer receiver;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private int status = 204;

  @BeforeEach
  void startReceiver() throws Exception {
    vertx = Vertx.vertx();
    receiver = await(vertx.createHttpServer()
        .requestHandler(request -> request.body().onSuccess(body -> {
          received.add(new Received(request.method().name(), request.uri(), request.headers(), body.toString()));
          request.response().setStatusCode(status)
              .putHeader("Location", "http://hooks.example.test:" + receiver.actualPort() + "/elsewhere")
              .end();
        }))
        .listen(0, "127.0.0.1"));
  }

  @AfterEach
  void closeVertx() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A sender for which hooks.example.test and other.example.test, names no DNS knows, resolve to 127.0.0.1. */
  private WebhookSender sender(String... allowedNetworks) {
    return sender(new HttpClientOptions(), allowedNetworks);
  }

  private WebhookSender sender(HttpClientOptions options, String... allowedNetworks) {
    return sender(options, WebhookSender.DEADLINE, allowedNetworks);
  }

  private WebhookSender sender(HttpClientOptions options, Duration deadline, String... allowedNetworks) {
    JsonObject config = new JsonObject().put("webhooks",
        new JsonObject().put("allowedNetworks", new JsonArray(List.of((Object[]) allowedNetworks))));
    return new WebhookSender(vertx, WebhooksConfig.from(config).targets(host -> {
      if (!host.equals("hooks.example.test") && !host.equals("other.example.test")) {
        throw new UnknownHostException(host);
      }
      return List.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
    }), options, deadline);
  }

  private WebhookDeliveries.Claimed delivery(String host) {
    return new WebhookDeliveries.Claimed(UUID.randomUUID(), "http://" + host + ":" + receiver.actualPort()
        + "/hooks/atelier?source=test", new JsonObject().put("type", "job.succeeded"), 1, SECRET);
  }

  @Test
  void theDeliveryConnectsToTheCheckedAddressWithTheUrlsHostInTheHostHeader() throws Exception {
    WebhookDeliveries.Claimed delivery = delivery("hooks.example.test");

    Outcome outcome = await(sender("127.0.0.0/8").send(delivery));

    assertThat(outcome).isEqualTo(new Outcome.Answered(204));
    assertThat(received).hasSize(1);
    Received request = received.get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.uri()).isEqualTo("/hooks/atelier?source=test");
    assertThat(request.headers().get("Host")).isEqualTo("hooks.example.test:" + receiver.actualPort());
    assertThat(request.body()).isEqualTo(delivery.payload().encode());
    String id = request.headers().get("webhook-id");
    String timestamp = request.headers().get("webhook-timestamp");
    assertThat(id).isEqualTo(delivery.id().toString());
    assertThat(request.headers().get("webhook-signature"))
        .isEqualTo("v1," + WebhookSender.sign(SECRET, id + "." + timestamp + "." + request.body()));
    assertThat(request.headers().get("Content-Type")).isEqualTo("application/json");
  }

  @Test
  void overTlsTheUrlsHostIsTheServerNameAndWhatTheCertificateMustName() throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("hooks.example.test");
    List<String> serverNames = new CopyOnWriteArrayList<>();
    HttpServer tls = await(vertx.createHttpServer(new HttpServerOptions().setSsl(true).setSni(true)
            .setKeyCertOptions(certificate.keyCertOptions()))
        .requestHandler(request -> {
          serverNames.add(request.connection().indicatedServerName());
          request.response().setStatusCode(204).end();
        })
        .listen(0, "127.0.0.1"));
    String url = "https://hooks.example.test:" + tls.actualPort() + "/hooks";
    WebhookSender trusting = sender(new HttpClientOptions().setTrustOptions(certificate.trustOptions()), "127.0.0.0/8");

    Outcome outcome = await(trusting.send(new WebhookDeliveries.Claimed(UUID.randomUUID(), url, new JsonObject(), 1,
        SECRET)));

    assertThat(outcome).isEqualTo(new Outcome.Answered(204));
    assertThat(serverNames).containsExactly("hooks.example.test");
    // The certificate is trusted but names another host: refused, so the check is against the URL's host.
    Outcome mismatch = await(trusting.send(new WebhookDeliveries.Claimed(UUID.randomUUID(),
        url.replace("hooks.example.test", "other.example.test"), new JsonObject(), 1, SECRET)));
    assertThat(mismatch).isInstanceOf(Outcome.Unreachable.class);
    assertThat(((Outcome.Unreachable) mismatch).error()).contains("No name matching other.example.test");
    assertThat(serverNames).containsExactly("hooks.example.test");
  }

  @Test
  void aNameThatResolvesInsideIsRefusedWithoutConnecting() throws Exception {
    Outcome outcome = await(sender().send(delivery("hooks.example.test")));

    assertThat(outcome).isEqualTo(new Outcome.Refused("webhook.url host hooks.example.test resolves to 127.0.0.1, "
        + "a loopback address; webhooks may only be sent to public addresses"));
    assertThat(received).isEmpty();
  }

  @Test
  void anAddressInsideIsRefusedWithoutConnecting() throws Exception {
    Outcome outcome = await(sender().send(delivery("127.0.0.1")));

    assertThat(outcome).isEqualTo(new Outcome.Refused("webhook.url names 127.0.0.1, a loopback address; webhooks "
        + "may only be sent to public addresses"));
    assertThat(received).isEmpty();
  }

  @Test
  void aRedirectIsAnAnswerNotFollowed() throws Exception {
    status = 302;

    Outcome outcome = await(sender("127.0.0.0/8").send(delivery("hooks.example.test")));

    assertThat(outcome).isEqualTo(new Outcome.Answered(302));
    assertThat(received).extracting(Received::uri).containsExactly("/hooks/atelier?source=test");
  }

  @Test
  void aNameThatDoesNotResolveLeavesTheDeliveryUnreachable() throws Exception {
    Outcome outcome = await(sender("127.0.0.0/8").send(delivery("nowhere.example.test")));

    assertThat(outcome).isInstanceOf(Outcome.Unreachable.class);
    assertThat(((Outcome.Unreachable) outcome).error()).contains("UnknownHostException");
    assertThat(received).isEmpty();
  }

  @Test
  void aReceiverThatNeverFinishesItsAnswerIsCutAtTheDeadline() throws Exception {
    // Headers at once, then a byte every 100 ms for ever: never idle, never done.
    HttpServer trickling = await(vertx.createHttpServer()
        .requestHandler(request -> request.body().onSuccess(body -> {
          request.response().setChunked(true).setStatusCode(200).write("{");
          long drip = vertx.setPeriodic(100, t -> request.response().write(" "));
          request.connection().closeHandler(v -> vertx.cancelTimer(drip));
        }))
        .listen(0, "127.0.0.1"));
    WebhookSender sender = sender(new HttpClientOptions(), Duration.ofSeconds(1), "127.0.0.0/8");
    long started = System.nanoTime();

    Outcome outcome = await(sender.send(new WebhookDeliveries.Claimed(UUID.randomUUID(),
        "http://hooks.example.test:" + trickling.actualPort() + "/hooks", new JsonObject(), 1, SECRET)));

    assertThat(outcome).isInstanceOf(Outcome.Unreachable.class);
    assertThat(((Outcome.Unreachable) outcome).error())
        .contains("the receiver did not finish answering within 1000 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
  }
}
