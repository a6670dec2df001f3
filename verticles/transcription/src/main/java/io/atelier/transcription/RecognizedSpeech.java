package io.atelier.transcription;

import io.atelier.transcripts.TimedWord;
import java.util.List;
import java.util.stream.Collectors;

/** What a speech engine heard in a recording; {@code language} is a code, or null when nobody said or heard it. */
record RecognizedSpeech(List<TimedWord> words, double durationSeconds, String language) {

  String text() {
    return words.stream().map(TimedWord::word).collect(Collectors.joining(" "));
  }
}
