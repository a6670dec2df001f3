package io.atelier.storage;

import io.vertx.core.json.JsonObject;
import java.net.URI;

/**
 * The {@code s3} section of the configuration.
 *
 * @param endpoint the S3-compatible server (MinIO, S3Proxy); null or empty for AWS itself
 * @param accessKey null or empty to use the AWS default credential chain
 */
public record S3Config(String endpoint, String region, String accessKey, String secretKey, String bucket,
                       boolean pathStyle) {

  public S3Config {
    if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new IllegalArgumentException("s3.bucket must be a valid bucket name, was " + bucket);
    }
    if (region == null || region.isBlank()) {
      throw new IllegalArgumentException("s3.region is required");
    }
    if (endpoint != null && !endpoint.isBlank()) {
      URI uri = URI.create(endpoint);
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException("s3.endpoint must be an absolute URL, was " + endpoint);
      }
    }
    if ((accessKey == null || accessKey.isBlank()) != (secretKey == null || secretKey.isBlank())) {
      throw new IllegalArgumentException("s3.accessKey and s3.secretKey go together");
    }
  }

  public static S3Config from(JsonObject config) {
    JsonObject section = config.getJsonObject("s3");
    if (section == null) {
      throw new IllegalArgumentException("configuration lacks the s3 section");
    }
    return new S3Config(section.getString("endpoint"), section.getString("region", "us-east-1"),
        section.getString("accessKey"), section.getString("secretKey"), section.getString("bucket", "atelier"),
        section.getBoolean("pathStyle", true));
  }

  public JsonObject toJson() {
    return new JsonObject().put("endpoint", endpoint).put("region", region).put("accessKey", accessKey)
        .put("secretKey", secretKey).put("bucket", bucket).put("pathStyle", pathStyle);
  }
}
