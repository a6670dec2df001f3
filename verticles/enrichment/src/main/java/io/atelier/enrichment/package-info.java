/**
 * Enrichment of a transcript: keywords, an extractive summary and chapters, computed by {@link
 * io.atelier.enrichment.TranscriptAnalyzer} from the timed words speech recognition produced. The records {@link
 * io.atelier.enrichment.Enrichment}, {@link io.atelier.enrichment.Keyword} and {@link io.atelier.enrichment.Chapter}
 * are the public face; the steps behind them are package-private.
 */
package io.atelier.enrichment;
