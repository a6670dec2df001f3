package io.atelier.storage;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Files in the bucket that no row names, found by listing it one page at a time and deleted once older than a grace
 * period: a file is written before the row that names it, so a young file without its row may be a write still on
 * its way. Which owners still want their files is asked of whoever owns the rows, folder by folder:
 *
 * <ul>
 *   <li><b>Abandoned uploads</b> ({@link ObjectKeys.Folder#ASSETS}): an original whose asset row never committed (the
 *       node died between the two writes, or PostgreSQL refused the row).</li>
 *   <li><b>Expired artifacts</b> (transcripts, renders): a job's output files without a result row once the job has
 *       ended, written by an attempt whose result was refused, or left when the job was deleted with its asset.</li>
 * </ul>
 */
public final class OrphanedFiles {

  private static final int PAGE = 1000;

  private final ObjectStorage storage;
  private final String prefix;
  private final Map<ObjectKeys.Folder, Function<List<UUID>, Future<Set<UUID>>>> wanted;

  /**
   * @param prefix where to look: {@link ObjectKeys#prefix} of a project, or of every project (null)
   * @param wanted for each folder swept, which of the given owners still want their files
   */
  public OrphanedFiles(ObjectStorage storage, String prefix,
                       Map<ObjectKeys.Folder, Function<List<UUID>, Future<Set<UUID>>>> wanted) {
    this.storage = storage;
    this.prefix = prefix;
    this.wanted = new EnumMap<>(wanted);
  }

  /** Deletes files of {@code folders} older than {@code grace} whose owners no longer want them; returns how many. */
  public Future<Integer> delete(Set<ObjectKeys.Folder> folders, Duration grace) {
    for (ObjectKeys.Folder folder : folders) {
      if (!wanted.containsKey(folder)) {
        throw new IllegalArgumentException("no owner lookup for folder " + folder);
      }
    }
    return sweep(folders, Instant.now().minus(grace), null, 0);
  }

  private record Candidate(String key, ObjectKeys.Key parsed) {
  }

  private Future<Integer> sweep(Set<ObjectKeys.Folder> folders, Instant cutoff, String continuation, int deleted) {
    return storage.list(prefix, continuation, PAGE).compose(page -> {
      List<Candidate> candidates = new ArrayList<>();
      for (ObjectStorage.StoredObject object : page.objects()) {
        ObjectKeys.parse(object.key())
            .filter(key -> folders.contains(key.folder()) && object.lastModified().isBefore(cutoff))
            .ifPresent(key -> candidates.add(new Candidate(object.key(), key)));
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
    Map<ObjectKeys.Folder, List<UUID>> owners = new EnumMap<>(ObjectKeys.Folder.class);
    candidates.forEach(c -> owners.computeIfAbsent(c.parsed().folder(), f -> new ArrayList<>()).add(c.parsed().owner()));
    Map<ObjectKeys.Folder, Future<Set<UUID>>> lookups = new EnumMap<>(ObjectKeys.Folder.class);
    owners.forEach((folder, ids) -> lookups.put(folder, wanted.get(folder).apply(ids.stream().distinct().toList())));
    return Future.all(List.copyOf(lookups.values())).map(all -> candidates.stream()
        .filter(c -> !lookups.get(c.parsed().folder()).result().contains(c.parsed().owner()))
        .toList());
  }

  private Future<Integer> deleteAll(List<Candidate> orphans) {
    Future<Void> chain = Future.succeededFuture();
    for (Candidate orphan : orphans) {
      chain = chain.compose(ignored -> storage.delete(orphan.key()));
    }
    return chain.map(orphans.size());
  }
}
