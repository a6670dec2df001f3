package io.atelier.yjs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code String(x)} in JS for numbers where Java 17's {@code Double.toString} differs or is not the shortest. */
class JsNumberTest {

  @Test
  void numbersPrintAsJavaScriptPrintsThem() {
    assertThat(JsNumber.toString(100)).isEqualTo("100");
    assertThat(JsNumber.toString(-0.0)).isEqualTo("0");
    assertThat(JsNumber.toString(1e21)).isEqualTo("1e+21");
    assertThat(JsNumber.toString(1e20)).isEqualTo("100000000000000000000");
    assertThat(JsNumber.toString(123456789012345680000.0)).isEqualTo("123456789012345680000");
    assertThat(JsNumber.toString(1e-7)).isEqualTo("1e-7");
    assertThat(JsNumber.toString(1.5e-7)).isEqualTo("1.5e-7");
    assertThat(JsNumber.toString(0.000001)).isEqualTo("0.000001");
    assertThat(JsNumber.toString(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    assertThat(JsNumber.toString(5e-324)).isEqualTo("5e-324");
    assertThat(JsNumber.toString(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e+308");
    assertThat(JsNumber.toString(2.0E-3)).isEqualTo("0.002");
    assertThat(JsNumber.toString(9007199254740993.0)).isEqualTo("9007199254740992");
    assertThat(JsNumber.toString(-1.5)).isEqualTo("-1.5");
    assertThat(JsNumber.toString(Math.pow(2, -44))).isEqualTo("5.684341886080802e-14");
  }
}
