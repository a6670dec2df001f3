package io.atelier.edge;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web app at {@code /app/}: the files the build bundled into {@value #RESOURCES} (listed in its
 * {@code manifest.json}), held in memory and sent with their gzip twin to clients that accept it.
 *
 * <p>Caching: every file but {@code index.html} has a content hash in its name, so it is cached for a year as
 * immutable; {@code index.html}, which names them, is revalidated on every load ({@code no-cache} with an ETag), so a
 * new build reaches browsers on their next load. Every answer carries the app's Content-Security-Policy: scripts
 * only from this origin, no inline script, media also from the object store's presigned links.
 */
final class WebApp implements Handler<RoutingContext> {

  static final String RESOURCES = "io/atelier/edge/app/";
  private static final Logger LOG = LoggerFactory.getLogger(WebApp.class);
  private static final String IMMUTABLE = "public, max-age=31536000, immutable";

  /** A file of the app: its bytes, gzip'd bytes (null when not worth it), type and entity tag. */
  private record File(Buffer bytes, Buffer gzipped, String contentType, String etag, boolean hashed) {
  }

  private final Map<String, File> files;
  private String contentSecurityPolicy;

  private WebApp(Map<String, File> files) {
    this.files = files;
  }

  /**
   * The app the build put on the class path, or null when this build has none (a module built without its web
   * step). Reads it whole: call it off the event loop.
   */
  static WebApp fromClassPath() {
    ClassLoader loader = WebApp.class.getClassLoader();
    byte[] manifestBytes = read(loader, RESOURCES + "manifest.json");
    if (manifestBytes == null) {
      LOG.warn("no web app on the class path ({}manifest.json): /app/ answers 404", RESOURCES);
      return null;
    }
    JsonObject manifest = new JsonObject(Buffer.buffer(manifestBytes));
    Map<String, File> files = new HashMap<>();
    manifest.getJsonObject("files").forEach(entry -> {
      JsonObject file = (JsonObject) entry.getValue();
      byte[] bytes = read(loader, RESOURCES + entry.getKey());
      if (bytes == null) {
        throw new IllegalStateException("the web app's manifest names " + entry.getKey() + ", which is missing");
      }
      byte[] gzipped = file.getBoolean("gzip", false) ? read(loader, RESOURCES + entry.getKey() + ".gz") : null;
      files.put(entry.getKey(), new File(Buffer.buffer(bytes), gzipped == null ? null : Buffer.buffer(gzipped),
          file.getString("contentType"), '"' + file.getString("sha256") + '"', file.getBoolean("hashed", false)));
    });
    return new WebApp(Map.copyOf(files));
  }

  static String policy(String objectStoreLink) {
    URI link = URI.create(objectStoreLink);
    String store = link.getScheme() + "://" + link.getRawAuthority();
    return String.join("; ",
        "default-src 'self'",
        "script-src 'self'",
        // CodeMirror and y-codemirror.next set style attributes (caret colours, measured sizes); no script is inline.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob: " + store,
        "connect-src 'self' ws: wss:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'");
  }

  /** Serves the app; {@code objectStoreLink} is a presigned link of the object store, whose origin media load from. */
  void mount(Router router, String objectStoreLink) {
    contentSecurityPolicy = policy(objectStoreLink);
    router.get("/").handler(ctx -> ctx.redirect("/app/"));
    // The app's files are named relative to /app/: without its slash, the page would ask for them at the root.
    router.routeWithRegex("/app").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> ctx.redirect("/app/"));
    router.route("/app/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.normalizedPath().substring("/app/".length());
    File file = files.get(path.isEmpty() ? "index.html" : path);
    if (file == null) {
      ctx.next();
      return;
    }
    String accepted = ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING);
    boolean gzip = file.gzipped() != null && accepted != null && accepted.contains("gzip");
    // Each coding of a file is a representation of its own, with a tag of its own (RFC 9110, 8.8.3).
    String etag = gzip ? file.etag().replaceFirst("\"$", "-gzip\"") : file.etag();
    var response = ctx.response();
    response.putHeader(HttpHeaders.CONTENT_TYPE, file.contentType())
        .putHeader("Content-Security-Policy", contentSecurityPolicy)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader(HttpHeaders.ETAG, etag)
        .putHeader(HttpHeaders.CACHE_CONTROL, file.hashed() ? IMMUTABLE : "no-cache")
        .putHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
    if (matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
      response.setStatusCode(304).end();
      return;
    }
    Buffer body = gzip ? file.gzipped() : file.bytes();
    if (gzip) {
      response.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
    }
    if (ctx.request().method() == HttpMethod.HEAD) {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length())).end();
    } else {
      response.end(body);
    }
  }

  /** If-None-Match holds {@code etag}: {@code *}, or a list of tags compared weakly (RFC 9110, 13.1.2). */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String candidate = tag.trim();
      if (candidate.equals("*") || (candidate.startsWith("W/") ? candidate.substring(2) : candidate).equals(etag)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] read(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + resource, e);
    }
  }
}
