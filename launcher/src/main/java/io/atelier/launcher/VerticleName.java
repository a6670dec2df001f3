package io.atelier.launcher;

import io.atelier.edge.EdgeVerticle;
import io.atelier.enrichment.EnrichmentVerticle;
import io.atelier.render.RenderVerticle;
import io.atelier.transcription.TranscriptionVerticle;
import io.vertx.core.Deployable;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/** The verticles a node can run, by the name used on the command line. */
enum VerticleName {
  EDGE(EdgeVerticle::new),
  TRANSCRIPTION(TranscriptionVerticle::new),
  ENRICHMENT(EnrichmentVerticle::new),
  RENDER(RenderVerticle::new);

  private final Supplier<Deployable> factory;

  VerticleName(Supplier<Deployable> factory) {
    this.factory = factory;
  }

  Deployable create() {
    return factory.get();
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
