package io.atelier.enrichment;

/** One hearing of a content term (a word, or a two-word key phrase) in a given sentence. */
record TermOccurrence(String text, int wordCount, int sentence, double at) {
}
