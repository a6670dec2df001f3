package io.atelier.contracts.render;

/** The picture sizes made for audio: square for feeds, landscape for players, portrait for stories. */
public enum FrameSize {
  SQUARE(1080, 1080),
  LANDSCAPE(1920, 1080),
  PORTRAIT(1080, 1920);

  private final int width;
  private final int height;

  FrameSize(int width, int height) {
    this.width = width;
    this.height = height;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** As params name it: {@code 1080x1080}. */
  public String wireName() {
    return width + "x" + height;
  }
}
