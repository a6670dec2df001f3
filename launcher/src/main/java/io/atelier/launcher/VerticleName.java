package io.atelier.launcher;

import io.atelier.collab.CollabVerticle;
import io.atelier.edge.EdgeVerticle;
import io.atelier.enrichment.EnrichmentHandlerFactory;
import io.atelier.jobs.WorkerVerticle;
import io.atelier.node.Node;
import io.atelier.render.RenderHandlerFactory;
import io.atelier.transcription.TranscriptionHandlerFactory;
import io.atelier.upload.UploadVerticle;
import io.vertx.core.Deployable;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/** The verticles a node can run, by the name used on the command line. Each job kind runs in the one worker verticle. */
enum VerticleName {
  EDGE(EdgeVerticle::new),
  COLLAB(CollabVerticle::new),
  TRANSCRIPTION(node -> new WorkerVerticle(new TranscriptionHandlerFactory(), node)),
  ENRICHMENT(node -> new WorkerVerticle(new EnrichmentHandlerFactory(), node)),
  RENDER(node -> new WorkerVerticle(new RenderHandlerFactory(), node)),
  UPLOAD(UploadVerticle::new);

  private final Function<Node, Deployable> factory;

  VerticleName(Function<Node, Deployable> factory) {
    this.factory = factory;
  }

  Deployable create(Node node) {
    return factory.apply(node);
  }

  String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code edge,transcription}; fails naming the unknown entry and the known ones. */
  static Set<VerticleName> parseList(String list) {
    Set<VerticleName> names = new LinkedHashSet<>();
    for (String item : list.split("\\s*,\\s*")) {
      if (item.isBlank()) {
        continue;
      }
      names.add(Arrays.stream(values()).filter(v -> v.cliName().equals(item.trim().toLowerCase(Locale.ROOT)))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("unknown verticle '" + item + "'; this version runs: "
              + String.join(",", Arrays.stream(values()).map(VerticleName::cliName).toList()))));
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("name at least one verticle");
    }
    return names;
  }
}
