package io.atelier.enrichment;

import static io.atelier.enrichment.SentenceSplitter.isAtLeast;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Cuts the speech into chapters, always between sentences: at a long pause, or at the sentence boundary nearest to
 * a minute into the chapter, whichever comes first. A chapter starts when its first word starts and ends when the
 * next one starts (the last ends with the last word), so chapters tile the speech; one too short to navigate by
 * joins the chapter before it.
 */
final class ChapterSplitter {

  static final double LONG_PAUSE_SECONDS = 2.0;
  static final double TARGET_SECONDS = 60.0;
  static final double MIN_SECONDS = 10.0;
  static final int TITLE_KEYWORDS = 3;
  static final String TITLE_SEPARATOR = " · ";
  static final String UNTITLED = "Untitled";

  private ChapterSplitter() {
  }

  static List<Chapter> split(List<Sentence> sentences) {
    if (sentences.isEmpty()) {
      return List.of();
    }
    double speechEnd = sentences.stream().mapToDouble(Sentence::end).max().orElseThrow();
    List<Chapter> chapters = new ArrayList<>();
    List<List<Sentence>> groups = merged(cut(sentences), speechEnd);
    for (int i = 0; i < groups.size(); i++) {
      List<Sentence> group = groups.get(i);
      double end = i + 1 < groups.size() ? startOf(groups.get(i + 1)) : speechEnd;
      int wordCount = group.stream().mapToInt(Sentence::size).sum();
      chapters.add(new Chapter(i, startOf(group), end, title(group), wordCount));
    }
    return chapters;
  }

  /** The sentences, cut into runs at long pauses and near each minute. */
  private static List<List<Sentence>> cut(List<Sentence> sentences) {
    List<List<Sentence>> groups = new ArrayList<>();
    int opening = 0;
    int next = 1;
    while (next < sentences.size()) {
      double pause = sentences.get(next).start() - sentences.get(next - 1).end();
      double elapsed = sentences.get(next).start() - sentences.get(opening).start();
      if (isAtLeast(pause, LONG_PAUSE_SECONDS)) {
        groups.add(sentences.subList(opening, next));
        opening = next++;
      } else if (isAtLeast(elapsed, TARGET_SECONDS)) {
        // This boundary is past the minute; the one before it, if inside the chapter, may be closer to it.
        int boundary = next - 1 > opening && closerToTarget(sentences, opening, next - 1, next) ? next - 1 : next;
        groups.add(sentences.subList(opening, boundary));
        opening = boundary;
        next = boundary + 1;
      } else {
        next++;
      }
    }
    groups.add(sentences.subList(opening, sentences.size()));
    return groups;
  }

  private static boolean closerToTarget(List<Sentence> sentences, int opening, int earlier, int later) {
    double start = sentences.get(opening).start();
    double shortBy = TARGET_SECONDS - (sentences.get(earlier).start() - start);
    double overBy = sentences.get(later).start() - start - TARGET_SECONDS;
    return shortBy < overBy;
  }

  /**
   * Joins each too-short chapter to the one before it. The opening chapter has none before it, so while it is too
   * short it takes in the chapters after it instead.
   */
  private static List<List<Sentence>> merged(List<List<Sentence>> groups, double speechEnd) {
    List<List<Sentence>> merged = new ArrayList<>();
    for (int i = 0; i < groups.size(); i++) {
      List<Sentence> group = groups.get(i);
      double end = i + 1 < groups.size() ? startOf(groups.get(i + 1)) : speechEnd;
      boolean tooShort = end - startOf(group) < MIN_SECONDS;
      boolean openingTooShort = merged.size() == 1 && lengthOf(merged.get(0), startOf(group)) < MIN_SECONDS;
      if (!merged.isEmpty() && (tooShort || openingTooShort)) {
        merged.get(merged.size() - 1).addAll(group);
      } else {
        merged.add(new ArrayList<>(group));
      }
    }
    return merged;
  }

  private static double lengthOf(List<Sentence> group, double nextStart) {
    return nextStart - startOf(group);
  }

  private static double startOf(List<Sentence> group) {
    return group.get(0).start();
  }

  private static String title(List<Sentence> group) {
    List<Keyword> top = KeywordRanker.rank(group).top(TITLE_KEYWORDS);
    if (top.isEmpty()) {
      return UNTITLED;
    }
    return top.stream().map(Keyword::text).collect(Collectors.joining(TITLE_SEPARATOR));
  }
}
