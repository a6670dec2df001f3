package io.atelier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebAppTest {

  @Test
  void ifNoneMatchHoldsATagWhenAnyOfItsTagsIsItWeaklyOrIsAStar() {
    String tag = "\"ab12\"";
    assertThat(WebApp.matches(null, tag)).isFalse();
    assertThat(WebApp.matches("\"ab12\"", tag)).isTrue();
    assertThat(WebApp.matches("W/\"ab12\"", tag)).isTrue();
    assertThat(WebApp.matches("\"x\", \"ab12\"", tag)).isTrue();
    assertThat(WebApp.matches("*", tag)).isTrue();
    assertThat(WebApp.matches("\"ab12-gzip\"", tag)).isFalse();
    assertThat(WebApp.matches("ab12", tag)).isFalse();
    assertThat(WebApp.matches("", tag)).isFalse();
  }

  @Test
  void thePolicyLetsMediaComeFromTheObjectStoreAndNoScriptBeInline() {
    String policy = WebApp.policy("http://127.0.0.1:9000/atelier/a.wav?X-Amz-Signature=abc");
    assertThat(policy).contains("media-src 'self' blob: http://127.0.0.1:9000;").contains("script-src 'self';")
        .contains("frame-ancestors 'none'").doesNotContain("X-Amz").doesNotContain("/atelier");
    assertThat(policy.split("script-src")[1].split(";")[0]).doesNotContain("unsafe");
  }
}
