package io.atelier.launcher;

import static io.atelier.launcher.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.atelier.embedded.FreePorts;
import io.atelier.storage.ObjectStorage;
import io.atelier.storage.S3Config;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Parts of multipart uploads, which the node sends itself to presigned links (Vert.x's HTTP client, not the SDK),
 * against real S3 (S3Proxy): what they store, and what S3 refusing them or being away does.
 */
class ObjectStoragePartsTest {

  static TestMesh mesh;
  static S3Config s3;
  static ObjectStorage storage;

  @BeforeAll
  static void connect() throws Exception {
    mesh = TestMesh.get();
    s3 = S3Config.from(mesh.edgeConfig);
    storage = ObjectStorage.create(mesh.clientVertx, s3);
  }

  @AfterAll
  static void close() {
    storage.close();
  }

  @Test
  void partsSentFromDirectBuffersMakeTheObjectAndTheBuffersAreLeftAsTheyWere() {
    String key = key();
    byte[] first = random(5 << 20, 1);
    byte[] last = random(123_457, 2);
    // Direct buffers, as an upload node's parts are.
    ByteBuf firstPart = direct(first);
    ByteBuf lastPart = direct(last);
    String multipart = await(storage.createMultipart(key, "application/octet-stream"));

    String firstTag = await(storage.uploadPart(key, multipart, 1, BufferInternal.buffer(firstPart)));
    String lastTag = await(storage.uploadPart(key, multipart, 2, BufferInternal.buffer(lastPart)));
    await(storage.completeMultipart(key, multipart,
        List.of(new ObjectStorage.Part(1, firstTag), new ObjectStorage.Part(2, lastTag))));

    byte[] stored = await(storage.getRange(key, 0, first.length + last.length)).getBytes();
    assertThat(stored.length).isEqualTo(first.length + last.length);
    assertThat(Arrays.equals(stored, 0, first.length, first, 0, first.length)).as("first part").isTrue();
    assertThat(Arrays.equals(stored, first.length, stored.length, last, 0, last.length)).as("last part").isTrue();
    // Sending neither read them away nor released them: the node gives them to its next parts.
    assertThat(firstPart.refCnt()).isEqualTo(1);
    assertThat(firstPart.readerIndex()).isZero();
    assertThat(firstPart.readableBytes()).isEqualTo(first.length);
    await(storage.delete(key));
  }

  @Test
  void aPartThatS3AnswersUnavailableIsSentAgainAndStored() throws Exception {
    String key = key();
    byte[] bytes = random(5 << 20, 3);
    String multipart = await(storage.createMultipart(key, "application/octet-stream"));
    try (Front front = Front.start(mesh.clientVertx, URI.create(s3.endpoint()), 2);
         ObjectStorage throughFront = ObjectStorage.create(mesh.clientVertx, front.config(s3.secretKey()))) {
      String tag = await(throughFront.uploadPart(key, multipart, 1, BufferInternal.buffer(direct(bytes))));

      assertThat(front.puts.get()).as("two answered 503 SlowDown, the third stored").isEqualTo(3);
      await(storage.completeMultipart(key, multipart, List.of(new ObjectStorage.Part(1, tag))));
      assertThat(await(storage.getRange(key, 0, bytes.length)).getBytes()).isEqualTo(bytes);
    } finally {
      await(storage.delete(key));
    }
  }

  @Test
  void aPartThatS3RefusesFailsAtOnceWithTheErrorS3Named() throws Exception {
    String key = key();
    String multipart = await(storage.createMultipart(key, "application/octet-stream"));
    try (Front front = Front.start(mesh.clientVertx, URI.create(s3.endpoint()), 0);
         ObjectStorage wrongSecret = ObjectStorage.create(mesh.clientVertx, front.config("not-" + s3.secretKey()))) {
      // Small enough to be in S3's socket buffer whole: a server that refuses a request early and closes with part of
      // its body unread resets the connection, and the refusal can be lost with it.
      Future<String> sent = wrongSecret.uploadPart(key, multipart, 1, Buffer.buffer(random(64 << 10, 4)));

      Throwable failure = failureOf(sent);
      assertThat(failure).isInstanceOf(S3Exception.class).hasMessageContaining("part upload answered 403");
      assertThat(((S3Exception) failure).statusCode()).isEqualTo(403);
      assertThat(((S3Exception) failure).awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
      assertThat(front.puts.get()).as("a refusal is not tried again").isEqualTo(1);
    } finally {
      await(storage.abortMultipart(key, multipart));
    }
  }

  @Test
  void aPartWhoseServerIsAwayFailsAfterItsRetries() {
    S3Config away = new S3Config("http://127.0.0.1:" + FreePorts.pick(), s3.region(), s3.accessKey(), s3.secretKey(),
        s3.bucket(), true);
    try (ObjectStorage nowhere = ObjectStorage.create(mesh.clientVertx, away)) {
      Future<String> sent = nowhere.uploadPart(key(), "some-upload", 1, Buffer.buffer(random(1024, 5)));

      assertThat(failureOf(sent)).hasMessageContaining("Connection refused");
    }
  }

  private static Throwable failureOf(Future<?> future) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> await(future));
    assertThat(thrown).as("the future failed").isNotNull();
    return thrown.getCause() != null ? thrown.getCause() : thrown;
  }

  private static String key() {
    return "tests/object-storage-parts/" + UUID.randomUUID();
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static ByteBuf direct(byte[] bytes) {
    ByteBuf buffer = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(bytes.length)).clear();
    return buffer.writeBytes(bytes);
  }

  /**
   * A relay in front of S3 that answers the first {@code unavailable} PUTs with S3's 503 SlowDown and counts PUTs. The
   * relayed requests keep the front's Host, which their signatures name.
   */
  private static final class Front implements AutoCloseable {

    final AtomicInteger puts;
    private final HttpServer server;
    private final HttpClient client;

    private Front(AtomicInteger puts, HttpServer server, HttpClient client) {
      this.puts = puts;
      this.server = server;
      this.client = client;
    }

    static Front start(Vertx vertx, URI s3, int unavailable) {
      HttpClient client = vertx.createHttpClient();
      AtomicInteger puts = new AtomicInteger();
      HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
        if (request.method() == HttpMethod.PUT && puts.incrementAndGet() <= unavailable) {
          request.response().setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, "application/xml")
              .end("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
                  + "<Message>Please reduce your request rate.</Message></Error>");
          return;
        }
        relay(client, s3, request, body);
      }));
      await(server.listen(0, "127.0.0.1"));
      return new Front(puts, server, client);
    }

    private static void relay(HttpClient client, URI s3, HttpServerRequest request, Buffer body) {
      RequestOptions out = new RequestOptions().setMethod(request.method()).setURI(request.uri())
          .setHost(request.authority().host()).setPort(request.authority().port())
          .setServer(SocketAddress.inetSocketAddress(s3.getPort(), s3.getHost()));
      request.headers().forEach((name, value) -> {
        if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
          out.addHeader(name, value);
        }
      });
      client.request(out).compose(r -> r.send(body)).compose(answer -> answer.body().map(content -> {
        var response = request.response().setStatusCode(answer.statusCode());
        answer.headers().forEach((name, value) -> {
          if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("transfer-encoding")) {
            response.headers().add(name, value);
          }
        });
        return response.end(content);
      })).onFailure(e -> request.response().setStatusCode(502).end(String.valueOf(e)));
    }

    S3Config config(String secretKey) {
      return new S3Config("http://127.0.0.1:" + server.actualPort(), s3.region(), s3.accessKey(), secretKey,
          s3.bucket(), true);
    }

    @Override
    public void close() {
      await(server.close());
      await(client.close());
    }
  }
}
