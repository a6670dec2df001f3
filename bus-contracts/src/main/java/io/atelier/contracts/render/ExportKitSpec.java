package io.atelier.contracts.render;

import io.atelier.contracts.render.TranscodeSpec.Preset;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An {@code export-kit} job's params: the {@code transcodes} it holds (preset names, {@code ["mp3"]} by default; an
 * empty list for none), the transcript ({@code transcriptJobId}, found as for {@link SubtitledVideoSpec}) and the
 * enrichment ({@code enrichmentJobId}; by default the enrichment step before it in its pipeline, or else the latest
 * enrichment of that transcript; the kit has none when there is none).
 */
public record ExportKitSpec(List<Preset> transcodes, UUID transcriptJobId, UUID enrichmentJobId) {

  public static final List<String> PARAMS = List.of("transcodes", "transcriptJobId", "enrichmentJobId");

  /** Reads the params; fails with {@link InvalidParamException} naming the first bad one. */
  public static ExportKitSpec from(JsonObject params) {
    ParamRules.onlyKnown(params, "export-kit", PARAMS);
    Object value = params.getValue("transcodes");
    List<Preset> presets = new ArrayList<>();
    if (value == null) {
      presets.add(Preset.MP3);
    } else if (value instanceof JsonArray names) {
      for (int i = 0; i < names.size(); i++) {
        String field = "transcodes[" + i + "]";
        // A null entry is no preset either: the default is for an absent list, not for a gap in one.
        Object name = names.getValue(i) == null ? "" : names.getValue(i);
        Preset preset = ParamRules.choice(new JsonObject().put(field, name), field, null, Preset.values(),
            Preset::wireName);
        if (presets.contains(preset)) {
          throw new InvalidParamException(field, "repeats " + preset.wireName());
        }
        presets.add(preset);
      }
    } else {
      throw new InvalidParamException("transcodes", "must be a list of preset names");
    }
    return new ExportKitSpec(List.copyOf(presets), JobIdParam.jobId(params, "transcriptJobId"),
        JobIdParam.jobId(params, "enrichmentJobId"));
  }
}
