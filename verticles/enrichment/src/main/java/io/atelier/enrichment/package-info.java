/**
 * The enrichment verticle: keywords, an extractive summary and chapters of a transcript, run as jobs. {@link
 * io.atelier.enrichment.TranscriptAnalyzer} computes them from the timed words speech recognition produced; the
 * records {@link io.atelier.enrichment.Enrichment}, {@link io.atelier.enrichment.Keyword} and {@link
 * io.atelier.enrichment.Chapter} are the public face of the analysis, the steps behind them package-private.
 */
package io.atelier.enrichment;
