package io.atelier.transcripts;

import java.util.Locale;
import java.util.Optional;

/**
 * Languages as transcripts store them (ISO-639-1 codes, {@code en}) and as OpenAI's audio API names them (lower-case
 * English names, {@code english}), both ways.
 */
public final class Languages {

  private Languages() {
  }

  /** The English name OpenAI's API gives the language of {@code code}, or the code itself if it names none. */
  public static String name(String code) {
    if (code == null || code.isBlank()) {
      return "unknown";
    }
    String name = Locale.forLanguageTag(code).getDisplayLanguage(Locale.ENGLISH);
    return name.isEmpty() || name.equalsIgnoreCase(code) ? code : name.toLowerCase(Locale.ROOT);
  }

  /** The code of a language given by its English name (any case) or by its code; empty if it is neither. */
  public static Optional<String> code(String nameOrCode) {
    if (nameOrCode == null || nameOrCode.isBlank()) {
      return Optional.empty();
    }
    String wanted = nameOrCode.strip().toLowerCase(Locale.ROOT);
    for (String code : Locale.getISOLanguages()) {
      if (code.equals(wanted) || name(code).equals(wanted)) {
        return Optional.of(code);
      }
    }
    return Optional.empty();
  }
}
