package io.atelier.database;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Projects and their API keys. A key is 256 random bits, so a plain SHA-256 of it is a safe stored form (no salt or
 * slow hash needed, unlike passwords); the key itself is shown once and never stored.
 */
public final class ApiKeyRepository {

  public static final String KEY_PREFIX = "atl_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Pool pool;

  public ApiKeyRepository(Pool pool) {
    this.pool = pool;
  }

  /** Who a key belongs to. */
  public record KeyOwner(UUID projectId, String role) {
  }

  /** A project just created and the one key that opens it. */
  public record NewProject(UUID projectId, String name, String apiKey) {
  }

  public Future<Optional<KeyOwner>> findOwner(String apiKey) {
    return pool.preparedQuery("SELECT project_id, role FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(Buffer.buffer(hash(apiKey))))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row row = rows.iterator().next();
          return Optional.of(new KeyOwner(row.getUUID("project_id"), row.getString("role")));
        });
  }

  public Future<NewProject> createProject(String name) {
    UUID projectId = UUID.randomUUID();
    String key = generateKey();
    return pool.withTransaction(tx -> tx
        .preparedQuery("INSERT INTO projects (id, name) VALUES ($1, $2)")
        .execute(Tuple.of(projectId, name))
        .compose(ignored -> tx
            .preparedQuery("INSERT INTO api_keys (id, project_id, key_hash, key_prefix, role) VALUES ($1, $2, $3, $4, 'admin')")
            .execute(Tuple.of(UUID.randomUUID(), projectId, Buffer.buffer(hash(key)), key.substring(0, 8))))
        .map(ignored -> new NewProject(projectId, name, key)));
  }

  /** A new key for the project with {@code role} ({@code admin} or {@code member}); returns the key, shown once. */
  public Future<String> createKey(UUID projectId, String role) {
    String key = generateKey();
    return pool.preparedQuery("INSERT INTO api_keys (id, project_id, key_hash, key_prefix, role) VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(UUID.randomUUID(), projectId, Buffer.buffer(hash(key)), key.substring(0, 8), role))
        .map(key);
  }

  /** True when the key exists and opens the project (used to reuse a remembered development key). */
  public Future<Boolean> opens(String apiKey, UUID projectId) {
    return findOwner(apiKey).map(owner -> owner.map(o -> o.projectId().equals(projectId)).orElse(false));
  }

  static String generateKey() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static byte[] hash(String apiKey) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
