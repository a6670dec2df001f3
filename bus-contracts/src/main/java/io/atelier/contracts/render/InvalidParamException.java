package io.atelier.contracts.render;

/** A job param (of a render kind, or of transcription) that breaks its kind's rules; {@link #field()} is its name within the params object. */
public final class InvalidParamException extends IllegalArgumentException {

  private final String field;
  private final String rule;

  public InvalidParamException(String field, String rule) {
    super("params." + field + " " + rule);
    this.field = field;
    this.rule = rule;
  }

  public String field() {
    return field;
  }

  /** What the value must be, as "must be ...". */
  public String rule() {
    return rule;
  }
}
