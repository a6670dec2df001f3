package io.atelier.database;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Collaborative documents and their logs of Yjs updates. Positions are gap-free per document: appending raises the
 * document's {@code head} under its row lock, on whichever node appends.
 */
public final class DocumentRepository {

  /** What a document name may be: a letter or digit, then up to 199 of letters, digits and {@code . _ : -}. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,199}");

  /**
   * The root text type a document's text is: {@code doc.getText('text')} in the editors that bind it, the text that
   * {@code GET /v1/documents/{name}} returns and that a transcript's document holds.
   */
  public static final String TEXT_ROOT = "text";

  /** A document of a project. */
  public record Document(long id, UUID projectId, String name, long head, OffsetDateTime createdAt,
                         OffsetDateTime updatedAt) {
  }

  /** One update to append to a document's log. */
  public record Append(long documentId, byte[] update) {
  }

  /** One row of a log: the update at {@code position}, or the merge of every update up to it after compaction. */
  public record LoggedUpdate(long position, byte[] update) {
  }

  private final Pool pool;

  public DocumentRepository(Pool pool) {
    this.pool = pool;
  }

  /** The document, made (empty) if the project has none of that name yet. */
  public Future<Document> findOrCreate(UUID projectId, String name) {
    return pool.preparedQuery("""
            WITH made AS (
              INSERT INTO documents (project_id, name) VALUES ($1, $2) ON CONFLICT (project_id, name) DO NOTHING
              RETURNING *)
            SELECT * FROM made UNION ALL SELECT * FROM documents WHERE project_id = $1 AND name = $2""")
        .execute(Tuple.of(projectId, name))
        .compose(rows -> rows.size() > 0 ? Future.succeededFuture(fromRow(rows.iterator().next()))
            // Made by someone else between our insert and our select's snapshot: it is there now.
            : find(projectId, name).map(Optional::orElseThrow));
  }

  /**
   * Makes the document with {@code update} as its first row, through {@code client} (so it can share a transaction);
   * a document that exists already is left as it is (its edits kept). True when it was made.
   */
  public static Future<Boolean> seed(SqlClient client, UUID projectId, String name, byte[] update) {
    return client.preparedQuery("""
            WITH made AS (
              INSERT INTO documents (project_id, name, head) VALUES ($1, $2, 1) ON CONFLICT (project_id, name) DO NOTHING
              RETURNING id)
            INSERT INTO document_updates (document_id, position, update) SELECT id, 1, $3 FROM made""")
        .execute(Tuple.of(projectId, name, Buffer.buffer(update)))
        .map(rows -> rows.rowCount() > 0);
  }

  public Future<Optional<Document>> find(UUID projectId, String name) {
    return pool.preparedQuery("SELECT * FROM documents WHERE project_id = $1 AND name = $2")
        .execute(Tuple.of(projectId, name))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(fromRow(rows.iterator().next())));
  }

  /**
   * Appends the updates in one statement (one round trip, one commit) and returns each one's position, in order;
   * {@code -1} for an update whose document is gone. Updates to one document get consecutive positions in the order
   * given.
   */
  public Future<List<Long>> appendAll(List<Append> appends) {
    Long[] documents = new Long[appends.size()];
    Buffer[] updates = new Buffer[appends.size()];
    for (int i = 0; i < appends.size(); i++) {
      documents[i] = appends.get(i).documentId();
      updates[i] = Buffer.buffer(appends.get(i).update());
    }
    return pool.preparedQuery("""
            WITH batch AS (
              SELECT * FROM unnest($1::bigint[], $2::bytea[]) WITH ORDINALITY AS b(document_id, update, ord)),
            counts AS (SELECT document_id, count(*) AS n FROM batch GROUP BY document_id),
            heads AS (
              UPDATE documents d SET head = d.head + c.n, updated_at = now() FROM counts c WHERE d.id = c.document_id
              RETURNING d.id, d.head - c.n AS base),
            numbered AS (
              SELECT b.ord, b.document_id, b.update,
                     h.base + row_number() OVER (PARTITION BY b.document_id ORDER BY b.ord) AS position
              FROM batch b JOIN heads h ON h.id = b.document_id),
            appended AS (
              INSERT INTO document_updates (document_id, position, update)
              SELECT document_id, position, update FROM numbered)
            SELECT ord, position FROM numbered""")
        .execute(Tuple.tuple().addArrayOfLong(documents).addArrayOfBuffer(updates))
        .map(rows -> {
          List<Long> positions = new ArrayList<>(appends.size());
          for (int i = 0; i < appends.size(); i++) {
            positions.add(-1L);
          }
          for (Row row : rows) {
            positions.set((int) (row.getLong("ord") - 1), row.getLong("position"));
          }
          return positions;
        });
  }

  /** The rows of the log after {@code position}, in order. */
  public Future<List<LoggedUpdate>> updatesAfter(long documentId, long position) {
    return pool.preparedQuery("""
            SELECT position, update FROM document_updates WHERE document_id = $1 AND position > $2 ORDER BY position""")
        .execute(Tuple.of(documentId, position))
        .map(rows -> {
          List<LoggedUpdate> updates = new ArrayList<>(rows.size());
          for (Row row : rows) {
            updates.add(new LoggedUpdate(row.getLong("position"), row.getBuffer("update").getBytes()));
          }
          return updates;
        });
  }

  /** The head of each of the documents that still exist. */
  public Future<Map<Long, Long>> heads(List<Long> documentIds) {
    return pool.preparedQuery("SELECT id, head FROM documents WHERE id = ANY($1::bigint[])")
        .execute(Tuple.tuple().addArrayOfLong(documentIds.toArray(Long[]::new)))
        .map(rows -> {
          Map<Long, Long> heads = new HashMap<>();
          for (Row row : rows) {
            heads.put(row.getLong("id"), row.getLong("head"));
          }
          return heads;
        });
  }

  /**
   * Replaces the rows up to {@code position} with one row at {@code position} holding {@code merged}, which the
   * caller made from exactly {@code rows} rows read before. In one transaction; false (nothing changed) when the
   * rows are no longer those, e.g. another node compacted first.
   */
  public Future<Boolean> compact(long documentId, long position, int rows, byte[] merged) {
    return pool.withTransaction(tx -> tx.preparedQuery("""
                DELETE FROM document_updates WHERE document_id = $1 AND position < $2""")
            .execute(Tuple.of(documentId, position))
            .compose(deleted -> deleted.rowCount() != rows - 1 ? Future.failedFuture(new StaleCompaction())
                : tx.preparedQuery("UPDATE document_updates SET update = $3 WHERE document_id = $1 AND position = $2")
                    .execute(Tuple.of(documentId, position, Buffer.buffer(merged)))
                    .compose(updated -> updated.rowCount() == 1 ? Future.succeededFuture(true)
                        : Future.failedFuture(new StaleCompaction()))))
        .recover(e -> e instanceof StaleCompaction ? Future.succeededFuture(false) : Future.failedFuture(e));
  }

  /** Removes the document and its log; false when the project has no document of that name. */
  public Future<Boolean> delete(UUID projectId, String name) {
    return pool.preparedQuery("DELETE FROM documents WHERE project_id = $1 AND name = $2")
        .execute(Tuple.of(projectId, name))
        .map(rows -> rows.rowCount() > 0);
  }

  /** A project's documents, newest first. */
  public Future<List<Document>> list(UUID projectId, int limit) {
    return pool.preparedQuery("SELECT * FROM documents WHERE project_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2")
        .execute(Tuple.of(projectId, limit))
        .map(rows -> {
          List<Document> documents = new ArrayList<>(rows.size());
          rows.forEach(row -> documents.add(fromRow(row)));
          return documents;
        });
  }

  private static Document fromRow(Row row) {
    return new Document(row.getLong("id"), row.getUUID("project_id"), row.getString("name"), row.getLong("head"),
        row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"));
  }

  /** Rolls the compaction back: its rows changed since they were read. */
  private static final class StaleCompaction extends RuntimeException {
    StaleCompaction() {
      super(null, null, false, false);
    }
  }
}
