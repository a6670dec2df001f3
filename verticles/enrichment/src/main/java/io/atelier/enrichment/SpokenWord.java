package io.atelier.enrichment;

/** One recognised word of a transcript, its text trimmed and lowercased, its times in seconds. */
record SpokenWord(String text, double start, double end, double confidence) {

  /** Below this the recogniser was guessing; such words are kept in the text but never weigh as keywords. */
  static final double MIN_CONFIDENCE = 0.5;

  boolean isConfident() {
    return confidence >= MIN_CONFIDENCE;
  }
}
