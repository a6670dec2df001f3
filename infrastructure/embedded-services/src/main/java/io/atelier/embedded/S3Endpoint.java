package io.atelier.embedded;

/** Where an S3-compatible server listens and the credentials it accepts. */
public record S3Endpoint(String url, String region, String accessKey, String secretKey) {
}
