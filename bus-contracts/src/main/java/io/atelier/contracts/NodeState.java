package io.atelier.contracts;

import java.util.Arrays;

/** Where a node is in its life: it serves while {@link #READY}; once {@link #DRAINING} it only finishes its work. */
public enum NodeState {
  STARTING("starting"),
  READY("ready"),
  DRAINING("draining");

  private final String wireName;

  NodeState(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static NodeState fromWireName(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown node state: " + name));
  }
}
