package io.atelier.transcripts;

import io.atelier.database.DocumentRepository;
import io.atelier.database.DocumentRepository.LoggedUpdate;
import io.atelier.database.Transcript;
import io.atelier.database.TranscriptRepository;
import io.atelier.yjs.YjsUpdates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A finished transcription seeds a collaborative document, {@code transcript:{jobId}}, whose text people then edit
 * together; what the mesh serves and enriches afterwards is that document's text, retimed by {@link TranscriptEdits}.
 */
public final class TranscriptDocuments {

  private TranscriptDocuments() {
  }

  public static String name(UUID jobId) {
    return "transcript:" + jobId;
  }

  /**
   * The document's first update: the recognised text, inserted by a Yjs client id made from the job's id, so that a
   * job that runs twice seeds the same update (applying it twice changes nothing).
   */
  public static byte[] seed(YjsUpdates yjs, UUID jobId, String text) {
    long clientId = (jobId.getMostSignificantBits() ^ jobId.getLeastSignificantBits()) & 0xffff_ffffL;
    return yjs.insertText(clientId == 0 ? 1 : clientId, DocumentRepository.TEXT_ROOT, text);
  }

  /**
   * The transcript as people have edited it: its document's text, with words retimed from the recognised ones; the
   * transcript itself when it has no document or its text is unchanged.
   */
  public static Future<Transcript> edited(Vertx vertx, DocumentRepository documents, YjsUpdates yjs,
                                          Transcript transcript) {
    return editedText(vertx, documents, yjs, transcript.projectId(), transcript.jobId()).map(text -> {
      if (text.isEmpty() || text.get().equals(transcript.text())) {
        return transcript;
      }
      List<TimedWord> recognised = new ArrayList<>();
      for (int i = 0; i < transcript.words().size(); i++) {
        recognised.add(TimedWord.fromJson(transcript.words().getJsonObject(i)));
      }
      JsonArray words = new JsonArray();
      TranscriptEdits.retime(recognised, text.get(), transcript.durationSeconds()).forEach(w -> words.add(w.toJson()));
      return new Transcript(transcript.jobId(), transcript.projectId(), transcript.assetId(), transcript.engine(),
          transcript.language(), transcript.durationSeconds(), text.get().trim(), words, transcript.files());
    });
  }

  /** The project's transcript of job {@code jobId} as people have edited it ({@link #edited}); empty if it has none. */
  public static Future<Optional<Transcript>> findEdited(Vertx vertx, TranscriptRepository transcripts,
                                                        DocumentRepository documents, YjsUpdates yjs, UUID projectId,
                                                        UUID jobId) {
    return transcripts.find(projectId, jobId).compose(found -> found.isEmpty()
        ? Future.succeededFuture(Optional.<Transcript>empty())
        : edited(vertx, documents, yjs, found.get()).map(Optional::of));
  }

  /** The transcript's text as its document has it now; empty when the job has no document. */
  public static Future<Optional<String>> editedText(Vertx vertx, DocumentRepository documents, YjsUpdates yjs,
                                                    UUID projectId, UUID jobId) {
    return documents.find(projectId, name(jobId)).compose(found -> found.isEmpty()
        ? Future.succeededFuture(Optional.<String>empty())
        : documents.updatesAfter(found.get().id(), 0).compose(rows -> vertx.executeBlocking(() ->
            Optional.of(yjs.text(yjs.merge(rows.stream().map(LoggedUpdate::update).toList()),
                DocumentRepository.TEXT_ROOT)), false)));
  }
}
