package io.atelier.database;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Resumable uploads. Every write a PATCH makes names the lease token it holds, so that once another PATCH has taken
 * the upload over (or it was terminated) the old one can change nothing.
 */
public final class UploadRepository {

  /** A stored part: its number, ETag and size. */
  public record Part(int number, String etag, long size) {
  }

  /** What a PATCH has made durable: its new parts, then where the bytes past them are. */
  public record Progress(List<Part> parts, long offset, String tailKey, long tailSize, byte[] sha256State,
                         Long declaredLength, boolean complete, Duration expiresIn) {
  }

  private final Pool pool;

  public UploadRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Upload> insert(Upload upload) {
    return pool.preparedQuery("""
            INSERT INTO uploads (id, project_id, state, upload_length, metadata, part_size, storage_key, multipart_id,
                                 asset_id, expires_at)
            VALUES ($1, $2, 'receiving', $3, $4, $5, $6, $7, $8, $9)
            RETURNING *""")
        .execute(Tuple.tuple().addUUID(upload.id()).addUUID(upload.projectId()).addLong(upload.length())
            .addValue(upload.metadata()).addLong(upload.partSize()).addString(upload.storageKey())
            .addString(upload.multipartId()).addUUID(upload.assetId()).addOffsetDateTime(upload.expiresAt()))
        .map(UploadRepository::first).map(Optional::orElseThrow);
  }

  public Future<Optional<Upload>> find(UUID projectId, UUID id) {
    return pool.preparedQuery("SELECT * FROM uploads WHERE project_id = $1 AND id = $2")
        .execute(Tuple.of(projectId, id)).map(UploadRepository::first);
  }

  /** The upload whatever its project: for the steps that hold its lease already. */
  public Future<Optional<Upload>> findById(UUID id) {
    return pool.preparedQuery("SELECT * FROM uploads WHERE id = $1").execute(Tuple.of(id)).map(UploadRepository::first);
  }

  /**
   * Takes the upload for one PATCH at {@code offset}: only while it receives, has not expired, is at that offset and
   * no other PATCH holds it (or that one's lease ran out). Empty when any of those fails; read it again to say which.
   */
  public Future<Optional<Upload>> takeLease(UUID projectId, UUID id, long offset, UUID token, Duration lease) {
    return pool.preparedQuery("""
            UPDATE uploads SET lease_token = $4, lease_until = now() + $5 * interval '1 millisecond'
            WHERE project_id = $1 AND id = $2 AND upload_offset = $3 AND state = 'receiving' AND expires_at > now()
              AND (lease_token IS NULL OR lease_until < now())
            RETURNING *""")
        .execute(Tuple.of(projectId, id, offset, token, lease.toMillis())).map(UploadRepository::first);
  }

  /** Takes an upload whose completion was left unfinished (its node died), when nobody holds it. */
  public Future<Optional<Upload>> takeUnfinishedCompletion(UUID id, UUID token, Duration lease) {
    return pool.preparedQuery("""
            UPDATE uploads SET lease_token = $2, lease_until = now() + $3 * interval '1 millisecond'
            WHERE id = $1 AND state = 'completing' AND (lease_token IS NULL OR lease_until < now())
            RETURNING *""")
        .execute(Tuple.of(id, token, lease.toMillis())).map(UploadRepository::first);
  }

  /**
   * A direct upload (the client sent its parts to S3 itself) whose parts are now joined, of {@code length} bytes:
   * {@code completing}, held by {@code token} for its completion. Empty when it is not receiving.
   */
  public Future<Optional<Upload>> joined(UUID projectId, UUID id, long length, UUID token, Duration lease) {
    return pool.preparedQuery("""
            UPDATE uploads SET state = 'completing', upload_length = $3, upload_offset = $3, lease_token = $4,
                               lease_until = now() + $5 * interval '1 millisecond', updated_at = now()
            WHERE project_id = $1 AND id = $2 AND state = 'receiving'
            RETURNING *""")
        .execute(Tuple.of(projectId, id, length, token, lease.toMillis())).map(UploadRepository::first);
  }

  /** Extends the lease; false when it is no longer this token's. */
  public Future<Boolean> renewLease(UUID id, UUID token, Duration lease) {
    return pool.preparedQuery("""
            UPDATE uploads SET lease_until = now() + $3 * interval '1 millisecond'
            WHERE id = $1 AND lease_token = $2 AND state IN ('receiving', 'completing')""")
        .execute(Tuple.of(id, token, lease.toMillis())).map(rows -> rows.rowCount() == 1);
  }

  /**
   * Moves a receiving upload's expiry to {@code expiry} from now: for uploads whose bytes go straight to S3, which
   * the mesh sees only as parts are signed. False when it is no longer receiving.
   */
  public Future<Boolean> extendExpiry(UUID id, Duration expiry) {
    return pool.preparedQuery("""
            UPDATE uploads SET expires_at = now() + $2 * interval '1 second', updated_at = now()
            WHERE id = $1 AND state = 'receiving'""")
        .execute(Tuple.of(id, expiry.toSeconds())).map(rows -> rows.rowCount() == 1);
  }

  /** The next part number, never handed out again; empty when the lease is lost or the numbers are used up. */
  public Future<Optional<Integer>> claimPart(UUID id, UUID token) {
    return pool.preparedQuery("""
            UPDATE uploads SET next_part = next_part + 1
            WHERE id = $1 AND lease_token = $2 AND state = 'receiving' AND next_part <= 10000
            RETURNING next_part - 1 AS number""")
        .execute(Tuple.of(id, token))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getInteger("number")));
  }

  /**
   * Records what a PATCH made durable, in one statement: its parts, the new offset, tail and hash state, the length
   * if it was declared now, and {@code completing} once every byte is in; the upload's new expiry, which PATCH answers
   * give. Empty (nothing written) when the lease is no longer this token's.
   */
  public Future<Optional<OffsetDateTime>> record(UUID id, UUID token, Progress progress) {
    List<Part> parts = progress.parts();
    return pool.preparedQuery("""
            WITH updated AS (
              UPDATE uploads SET upload_offset = $3, tail_key = $4, tail_size = $5, sha256_state = $6,
                                 upload_length = COALESCE(upload_length, $7),
                                 state = CASE WHEN $8 THEN 'completing' ELSE state END,
                                 expires_at = now() + $12 * interval '1 second', updated_at = now()
              WHERE id = $1 AND lease_token = $2 AND state = 'receiving'
              RETURNING id, expires_at),
            parts AS (
              INSERT INTO upload_parts (upload_id, part_number, etag, size_bytes)
              SELECT updated.id, p.number, p.etag, p.size
              FROM updated, unnest($9::int[], $10::text[], $11::bigint[]) AS p(number, etag, size))
            SELECT expires_at FROM updated""")
        .execute(Tuple.tuple().addUUID(id).addUUID(token).addLong(progress.offset()).addString(progress.tailKey())
            .addLong(progress.tailSize())
            .addBuffer(progress.sha256State() == null ? null : Buffer.buffer(progress.sha256State()))
            .addLong(progress.declaredLength()).addBoolean(progress.complete())
            .addArrayOfInteger(parts.stream().map(Part::number).toArray(Integer[]::new))
            .addArrayOfString(parts.stream().map(Part::etag).toArray(String[]::new))
            .addArrayOfLong(parts.stream().map(Part::size).toArray(Long[]::new))
            .addLong(progress.expiresIn().toSeconds()))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(rows.iterator().next().getOffsetDateTime("expires_at")));
  }

  /** Lets go of the upload, if this token still holds it. */
  public Future<Void> release(UUID id, UUID token) {
    return pool.preparedQuery("UPDATE uploads SET lease_token = NULL, lease_until = NULL WHERE id = $1 AND lease_token = $2")
        .execute(Tuple.of(id, token)).mapEmpty();
  }

  public Future<List<Part>> parts(UUID id) {
    return pool.preparedQuery("SELECT part_number, etag, size_bytes FROM upload_parts WHERE upload_id = $1 ORDER BY part_number")
        .execute(Tuple.of(id))
        .map(rows -> {
          List<Part> parts = new ArrayList<>(rows.size());
          for (Row row : rows) {
            parts.add(new Part(row.getInteger("part_number"), row.getString("etag"), row.getLong("size_bytes")));
          }
          return parts;
        });
  }

  /** The upload became its asset (whose row is written first), and started the pipeline it named, if any. */
  public Future<Boolean> complete(UUID id, UUID token, UUID pipelineId) {
    return pool.preparedQuery("""
            UPDATE uploads SET state = 'complete', lease_token = NULL, lease_until = NULL, tail_key = NULL,
                               pipeline_id = $3, updated_at = now()
            WHERE id = $1 AND lease_token = $2 AND state = 'completing'""")
        .execute(Tuple.of(id, token, pipelineId)).map(rows -> rows.rowCount() == 1);
  }

  /** The upload's bytes are not media the mesh takes: kept as a row with the reason, its bytes deleted. */
  public Future<Boolean> fail(UUID id, UUID token, String error) {
    return pool.preparedQuery("""
            UPDATE uploads SET state = 'failed', error = $3, lease_token = NULL, lease_until = NULL, updated_at = now()
            WHERE id = $1 AND lease_token = $2 AND state = 'completing'""")
        .execute(Tuple.of(id, token, error)).map(rows -> rows.rowCount() == 1);
  }

  /** Ends an upload that is still receiving (termination); the row as it was, for its S3 leftovers. */
  public Future<Optional<Upload>> terminate(UUID projectId, UUID id) {
    return pool.preparedQuery("""
            UPDATE uploads SET state = 'terminated', lease_token = NULL, lease_until = NULL, updated_at = now()
            WHERE project_id = $1 AND id = $2 AND state = 'receiving'
            RETURNING *""")
        .execute(Tuple.of(projectId, id)).map(UploadRepository::first);
  }

  /**
   * Marks up to {@code limit} uploads past their expiry as expired; the rows, for their S3 leftovers. One that a live
   * PATCH holds is left alone: its bytes are still coming, and its next record moves the expiry on.
   */
  public Future<List<Upload>> expire(int limit) {
    return pool.preparedQuery("""
            UPDATE uploads SET state = 'expired', lease_token = NULL, lease_until = NULL, updated_at = now()
            WHERE id IN (SELECT id FROM uploads WHERE state = 'receiving' AND expires_at < now()
                           AND (lease_token IS NULL OR lease_until < now())
                         ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING *""")
        .execute(Tuple.of(limit)).map(UploadRepository::all);
  }

  /** Which of the ids are uploads still receiving: their tails are wanted. */
  public Future<Set<UUID>> receiving(List<UUID> ids) {
    return IdLookup.found(pool, "SELECT id FROM uploads WHERE id = ANY($1::uuid[]) AND state IN ('receiving', 'completing')",
        ids);
  }

  private static Optional<Upload> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(fromRow(rows.iterator().next()));
  }

  private static List<Upload> all(RowSet<Row> rows) {
    List<Upload> uploads = new ArrayList<>(rows.size());
    rows.forEach(row -> uploads.add(fromRow(row)));
    return uploads;
  }

  private static Upload fromRow(Row row) {
    Buffer state = row.getBuffer("sha256_state");
    Object metadata = row.getJson("metadata");
    return new Upload(row.getUUID("id"), row.getUUID("project_id"), row.getString("state"),
        row.getLong("upload_length"), row.getLong("upload_offset"),
        metadata instanceof JsonObject json ? json : new JsonObject(), row.getLong("part_size"),
        row.getString("storage_key"), row.getString("multipart_id"), row.getInteger("next_part"),
        state == null ? null : state.getBytes(), row.getString("tail_key"), row.getLong("tail_size"),
        row.getUUID("lease_token"), row.getOffsetDateTime("lease_until"), row.getUUID("asset_id"),
        row.getUUID("pipeline_id"), row.getString("error"), row.getOffsetDateTime("expires_at"), row.getOffsetDateTime("created_at"));
  }
}
