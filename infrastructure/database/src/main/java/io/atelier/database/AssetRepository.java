package io.atelier.database;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The assets table. Every read is scoped by project. */
public final class AssetRepository {

  private final Pool pool;

  public AssetRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Asset> insert(Asset asset) {
    return pool.preparedQuery("""
            INSERT INTO assets (id, project_id, filename, content_type, size_bytes, sha256, storage_key, media)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            RETURNING created_at""")
        .execute(Tuple.of(asset.id(), asset.projectId(), asset.filename(), asset.contentType(), asset.sizeBytes(),
            asset.sha256(), asset.storageKey(), asset.media()))
        .map(rows -> new Asset(asset.id(), asset.projectId(), asset.filename(), asset.contentType(),
            asset.sizeBytes(), asset.sha256(), asset.storageKey(), asset.media(),
            rows.iterator().next().getOffsetDateTime("created_at")));
  }

  public Future<Optional<Asset>> find(UUID projectId, UUID assetId) {
    return pool.preparedQuery("SELECT * FROM assets WHERE project_id = $1 AND id = $2")
        .execute(Tuple.of(projectId, assetId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(fromRow(rows.iterator().next())));
  }

  /** A page of a project's assets, newest first, and where the next one starts (null after the last). */
  public record Page(List<Asset> assets, PageCursor next) {
  }

  /** Up to {@code limit} of the project's assets, newest first, after {@code after} (null: from the newest). */
  public Future<Page> list(UUID projectId, PageCursor after, int limit) {
    return list(projectId, after, limit, null);
  }

  /**
   * As {@link #list(UUID, PageCursor, int)}, keeping only the assets whose file name holds {@code nameContains}
   * (case-insensitive, taken literally; null or empty: every asset).
   */
  public Future<Page> list(UUID projectId, PageCursor after, int limit, String nameContains) {
    String pattern = nameContains == null || nameContains.isEmpty() ? null
        : "%" + nameContains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    String sql = "SELECT * FROM assets WHERE project_id = $1 AND ($3::text IS NULL OR filename ILIKE $3)"
        + (after == null ? "" : " AND (created_at, id) < ($4, $5)")
        + " ORDER BY created_at DESC, id DESC LIMIT $2";
    Tuple args = after == null ? Tuple.of(projectId, limit + 1, pattern)
        : Tuple.of(projectId, limit + 1, pattern, after.createdAt(), after.id());
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      List<Asset> assets = new java.util.ArrayList<>(rows.size());
      rows.forEach(row -> assets.add(fromRow(row)));
      if (assets.size() <= limit) {
        return new Page(assets, null);
      }
      Asset last = assets.get(limit - 1);
      return new Page(assets.subList(0, limit), new PageCursor(last.createdAt(), last.id()));
    });
  }

  private static Asset fromRow(Row row) {
    return new Asset(row.getUUID("id"), row.getUUID("project_id"), row.getString("filename"),
        row.getString("content_type"), row.getLong("size_bytes"), row.getString("sha256"),
        row.getString("storage_key"), row.getJsonObject("media"),
        row.getOffsetDateTime("created_at"));
  }

  /** Which of the ids have a row here (of any project): for the sweep of files no row names. */
  public Future<Set<UUID>> existing(List<UUID> ids) {
    return IdLookup.found(pool, "SELECT id FROM assets WHERE id = ANY($1::uuid[])", ids);
  }
}
