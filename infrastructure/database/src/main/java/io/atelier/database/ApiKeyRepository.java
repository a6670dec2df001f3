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
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
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

  /** What a key may do in its project; each role may do all that the ones after it may. */
  public enum Role {
    /** Everything, keys and the mesh's nodes included. */
    ADMIN,
    /** Submit, cancel, upload and edit. */
    MEMBER,
    /** Read everything of the project, change nothing. */
    READ;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a key with this role may do what {@code needed} may. */
    public boolean covers(Role needed) {
      return ordinal() <= needed.ordinal();
    }

    /** Parses {@code admin}, {@code member} or {@code read}; fails naming them. */
    public static Role fromWire(String value) {
      for (Role role : values()) {
        if (role.wireName().equals(value)) {
          return role;
        }
      }
      throw new IllegalArgumentException("role must be 'admin', 'member' or 'read', was '" + value + "'");
    }
  }

  /** Who a key belongs to. */
  public record KeyOwner(UUID keyId, UUID projectId, Role role) {
  }

  /** A key as its project's admins see it: never the key itself, only its first characters. */
  public record KeyInfo(UUID id, String name, Role role, String prefix, OffsetDateTime createdAt,
                        OffsetDateTime lastUsedAt, OffsetDateTime revokedAt) {
  }

  /** A key just made: its details and the key, shown this once. */
  public record NewKey(KeyInfo info, String apiKey) {
  }

  /** Why a key could not be revoked. */
  public enum Revocation {
    REVOKED, NOT_FOUND, LAST_ADMIN
  }

  /** A project just created and the one key that opens it. */
  public record NewProject(UUID projectId, String name, String apiKey) {
  }

  /**
   * The owner of a key that is not revoked. Read from the database on every call, with no cache, so that a revoked
   * key fails on every node at once; the same statement notes the key's use, at most once a minute.
   */
  public Future<Optional<KeyOwner>> findOwner(String apiKey) {
    return activeOwner("key_hash = $1", Buffer.buffer(hash(apiKey)));
  }

  /**
   * Whom a token standing for key {@code keyId} of {@code projectId}, given with {@code role}, acts as: the key while
   * it is not revoked (read afresh and noted as a use, as {@link #findOwner} does), with the narrower of its role and
   * {@code role}, so a token never opens more than its key did when it was given. Empty once the key is revoked.
   */
  public Future<Optional<KeyOwner>> findOwnerOfToken(UUID keyId, UUID projectId, Role role) {
    return activeOwner("id = $1", keyId).map(found -> found.filter(key -> key.projectId().equals(projectId))
        .map(key -> key.role().covers(role) ? new KeyOwner(key.keyId(), key.projectId(), role) : key));
  }

  private Future<Optional<KeyOwner>> activeOwner(String condition, Object value) {
    return pool.preparedQuery("""
            WITH found AS (
              SELECT id, project_id, role, last_used_at FROM api_keys WHERE %s AND revoked_at IS NULL),
            used AS (
              UPDATE api_keys k SET last_used_at = now() FROM found
              WHERE k.id = found.id AND (found.last_used_at IS NULL OR found.last_used_at < now() - interval '1 minute'))
            SELECT id, project_id, role FROM found""".formatted(condition))
        .execute(Tuple.of(value))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row row = rows.iterator().next();
          return Optional.of(new KeyOwner(row.getUUID("id"), row.getUUID("project_id"),
              Role.fromWire(row.getString("role"))));
        });
  }

  public Future<NewProject> createProject(String name) {
    UUID projectId = UUID.randomUUID();
    String key = generateKey();
    return pool.withTransaction(tx -> tx
        .preparedQuery("INSERT INTO projects (id, name) VALUES ($1, $2)")
        .execute(Tuple.of(projectId, name))
        .compose(ignored -> tx
            .preparedQuery("INSERT INTO api_keys (id, project_id, key_hash, key_prefix, role, name) "
                + "VALUES ($1, $2, $3, $4, 'admin', 'first key')")
            .execute(Tuple.of(UUID.randomUUID(), projectId, Buffer.buffer(hash(key)), key.substring(0, 8))))
        .map(ignored -> new NewProject(projectId, name, key)));
  }

  /** A new key for the project; the answer holds the key, to be shown once. */
  public Future<NewKey> createKey(UUID projectId, String name, Role role) {
    String key = generateKey();
    return pool.preparedQuery("""
            INSERT INTO api_keys (id, project_id, key_hash, key_prefix, role, name) VALUES ($1, $2, $3, $4, $5, $6)
            RETURNING""" + " " + COLUMNS)
        .execute(Tuple.of(UUID.randomUUID(), projectId, Buffer.buffer(hash(key)), key.substring(0, 8),
            role.wireName(), name))
        .map(rows -> new NewKey(info(rows.iterator().next()), key));
  }

  /** The project's keys, revoked ones included, newest first. */
  public Future<List<KeyInfo>> list(UUID projectId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM api_keys WHERE project_id = $1 ORDER BY created_at DESC, id")
        .execute(Tuple.of(projectId))
        .map(rows -> {
          List<KeyInfo> keys = new ArrayList<>();
          rows.forEach(row -> keys.add(info(row)));
          return keys;
        });
  }

  public Future<Optional<KeyInfo>> find(UUID projectId, UUID keyId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM api_keys WHERE project_id = $1 AND id = $2")
        .execute(Tuple.of(projectId, keyId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(info(rows.iterator().next())));
  }

  /**
   * Revokes a key of the project (again, if it already is: nothing changes). Refuses to revoke the project's last
   * admin key, which would leave nobody able to make keys; the project's admin keys are locked meanwhile, so two
   * admins revoking each other's keys at once cannot both succeed.
   */
  public Future<Revocation> revoke(UUID projectId, UUID keyId) {
    return pool.withTransaction(tx -> tx.preparedQuery("""
            SELECT id, role, revoked_at FROM api_keys
            WHERE project_id = $1 AND (id = $2 OR (role = 'admin' AND revoked_at IS NULL)) FOR UPDATE""")
        .execute(Tuple.of(projectId, keyId))
        .compose(rows -> {
          Row target = null;
          int admins = 0;
          for (Row row : rows) {
            if (row.getUUID("id").equals(keyId)) {
              target = row;
            }
            if ("admin".equals(row.getString("role")) && row.getOffsetDateTime("revoked_at") == null) {
              admins++;
            }
          }
          if (target == null) {
            return Future.succeededFuture(Revocation.NOT_FOUND);
          }
          if (target.getOffsetDateTime("revoked_at") != null) {
            return Future.succeededFuture(Revocation.REVOKED);
          }
          if ("admin".equals(target.getString("role")) && admins <= 1) {
            return Future.succeededFuture(Revocation.LAST_ADMIN);
          }
          return tx.preparedQuery("UPDATE api_keys SET revoked_at = now() WHERE id = $1")
              .execute(Tuple.of(keyId)).map(Revocation.REVOKED);
        }));
  }

  /** True when the key exists and opens the project (used to reuse a remembered development key). */
  public Future<Boolean> opens(String apiKey, UUID projectId) {
    return findOwner(apiKey).map(owner -> owner.map(o -> o.projectId().equals(projectId)).orElse(false));
  }

  private static final String COLUMNS = "id, name, role, key_prefix, created_at, last_used_at, revoked_at";

  private static KeyInfo info(Row row) {
    return new KeyInfo(row.getUUID("id"), row.getString("name"), Role.fromWire(row.getString("role")),
        row.getString("key_prefix"), row.getOffsetDateTime("created_at"), row.getOffsetDateTime("last_used_at"),
        row.getOffsetDateTime("revoked_at"));
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
