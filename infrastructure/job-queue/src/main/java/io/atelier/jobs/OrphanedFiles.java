package io.atelier.jobs;

import io.atelier.storage.ObjectStorage;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Files in S3 that no row names, found by listing the bucket and deleted once older than a grace period: a file is
 * written before the row that names it, so a young file without its row may be a write still on its way.
 *
 * <ul>
 *   <li><b>Abandoned uploads</b>: an asset's original whose asset row never committed (the node died between the
 *       two writes, or PostgreSQL refused the row).</li>
 *   <li><b>Expired artifacts</b>: a job's output files (transcripts, renders) without a result row once the job has
 *       ended: written by an attempt whose result was refused (it lost its lease, the job was cancelled), or left
 *       behind when the job was deleted with its asset. A queued or running job's files are kept: its next
 *       attempt writes the same keys and then its row.</li>
 * </ul>
 */
public final class OrphanedFiles {

  /** The keys the mesh writes: {@code projects/{project}/{folder}/{owner id}/{file}}. */
  private static final Pattern KEY = Pattern.compile(
      "projects/[0-9a-f-]{36}/(assets|transcripts|renders)/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/[^/]+");

  /** For each folder, the ids (of the array $1) whose files are still wanted. */
  private static final Map<String, String> WANTED = Map.of(
      "assets", "SELECT t.id FROM unnest($1::uuid[]) AS t(id) WHERE EXISTS (SELECT 1 FROM assets a WHERE a.id = t.id)",
      "transcripts", resultWanted("transcripts"),
      "renders", resultWanted("renders"));

  /** A job's output files are wanted while its result row names them or the job may still write one. */
  private static String resultWanted(String resultTable) {
    return """
        SELECT t.id FROM unnest($1::uuid[]) AS t(id)
        WHERE EXISTS (SELECT 1 FROM %s r WHERE r.job_id = t.id)
           OR EXISTS (SELECT 1 FROM jobs j WHERE j.id = t.id AND j.state IN ('queued', 'running'))""".formatted(resultTable);
  }

  private static final int PAGE = 1000;

  private final Pool pool;
  private final ObjectStorage storage;

  public OrphanedFiles(Pool pool, ObjectStorage storage) {
    this.pool = pool;
    this.storage = storage;
  }

  /** Deletes asset originals older than {@code grace} that no asset row names; returns how many. */
  public Future<Integer> deleteAbandonedUploads(Duration grace) {
    return sweep(Set.of("assets"), Instant.now().minus(grace), null, 0);
  }

  /** Deletes job output files older than {@code grace} that no result row names and no unfinished job will. */
  public Future<Integer> purgeExpiredArtifacts(Duration grace) {
    return sweep(Set.of("transcripts", "renders"), Instant.now().minus(grace), null, 0);
  }

  private record Candidate(String key, String folder, UUID owner) {
  }

  /** One page of the listing at a time, so the bucket's size never has to fit in memory. */
  private Future<Integer> sweep(Set<String> folders, Instant cutoff, String continuation, int deleted) {
    return storage.list("projects/", continuation, PAGE).compose(page -> {
      List<Candidate> candidates = new ArrayList<>();
      for (ObjectStorage.StoredObject object : page.objects()) {
        Matcher key = KEY.matcher(object.key());
        if (key.matches() && folders.contains(key.group(1)) && object.lastModified().isBefore(cutoff)) {
          candidates.add(new Candidate(object.key(), key.group(1), UUID.fromString(key.group(2))));
        }
      }
      return orphans(candidates)
          .compose(this::deleteAll)
          .compose(n -> page.continuation() == null
              ? Future.succeededFuture(deleted + n)
              : sweep(folders, cutoff, page.continuation(), deleted + n));
    });
  }

  private Future<List<Candidate>> orphans(List<Candidate> candidates) {
    if (candidates.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Set<String> folders = new HashSet<>();
    candidates.forEach(c -> folders.add(c.folder()));
    List<Future<Set<UUID>>> wanted = folders.stream()
        .map(folder -> pool.preparedQuery(WANTED.get(folder))
            .execute(Tuple.of(candidates.stream().filter(c -> c.folder().equals(folder))
                .map(Candidate::owner).distinct().toArray(UUID[]::new)))
            .map(rows -> {
              Set<UUID> ids = new HashSet<>();
              rows.forEach(row -> ids.add(row.getUUID(0)));
              return ids;
            }))
        .toList();
    return Future.all(wanted).map(all -> {
      Set<UUID> kept = new HashSet<>();
      all.<Set<UUID>>list().forEach(kept::addAll);
      return candidates.stream().filter(c -> !kept.contains(c.owner())).toList();
    });
  }

  private Future<Integer> deleteAll(List<Candidate> orphans) {
    Future<Void> chain = Future.succeededFuture();
    for (Candidate orphan : orphans) {
      chain = chain.compose(ignored -> storage.delete(orphan.key()));
    }
    return chain.map(orphans.size());
  }
}
