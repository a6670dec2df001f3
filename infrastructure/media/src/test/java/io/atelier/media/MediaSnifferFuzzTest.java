package io.atelier.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of media sniffing on mutated real files (the seeds are the heads of real recordings): any
 * bytes are recognised as one accepted format or none, and described, without an exception.
 */
class MediaSnifferFuzzTest {

  private static final MediaSniffer SNIFFER = new MediaSniffer();

  @FuzzTest(maxDuration = "5s")
  void anyBytesAreOneAcceptedFormatOrNone(byte[] head) {
    SNIFFER.sniff(head).ifPresent(type -> assertThat(MediaSniffer.acceptedFormats()).isNotBlank());
    assertThat(SNIFFER.describe(head)).isNotNull();
  }
}
