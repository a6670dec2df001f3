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
            INSERT INTO assets (id, project_id, filename, content_type, size_bytes, sha256, storage_key)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            RETURNING created_at""")
        .execute(Tuple.of(asset.id(), asset.projectId(), asset.filename(), asset.contentType(), asset.sizeBytes(),
            asset.sha256(), asset.storageKey()))
        .map(rows -> new Asset(asset.id(), asset.projectId(), asset.filename(), asset.contentType(),
            asset.sizeBytes(), asset.sha256(), asset.storageKey(),
            rows.iterator().next().getOffsetDateTime("created_at")));
  }

  public Future<Optional<Asset>> find(UUID projectId, UUID assetId) {
    return pool.preparedQuery("SELECT * FROM assets WHERE project_id = $1 AND id = $2")
        .execute(Tuple.of(projectId, assetId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(fromRow(rows.iterator().next())));
  }

  private static Asset fromRow(Row row) {
    return new Asset(row.getUUID("id"), row.getUUID("project_id"), row.getString("filename"),
        row.getString("content_type"), row.getLong("size_bytes"), row.getString("sha256"),
        row.getString("storage_key"), row.getOffsetDateTime("created_at"));
  }

  /** Which of the ids have a row here (of any project): for the sweep of files no row names. */
  public Future<Set<UUID>> existing(List<UUID> ids) {
    return IdLookup.found(pool, "SELECT id FROM assets WHERE id = ANY($1::uuid[])", ids);
  }
}
