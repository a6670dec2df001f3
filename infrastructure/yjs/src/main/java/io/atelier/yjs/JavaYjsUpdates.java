package io.atelier.yjs;

import java.util.List;
import java.util.Objects;

/** {@link YjsUpdates} in Java: a port of Yjs 13.6's {@code src/utils/updates.js} and what it depends on. */
final class JavaYjsUpdates implements YjsUpdates {

  static final JavaYjsUpdates INSTANCE = new JavaYjsUpdates();

  private JavaYjsUpdates() {
  }

  @Override
  public byte[] merge(List<byte[]> updates) {
    Objects.requireNonNull(updates, "updates");
    return guarded(() -> UpdateMerger.merge(updates));
  }

  @Override
  public byte[] diff(byte[] update, byte[] stateVector) {
    Objects.requireNonNull(update, "update");
    Objects.requireNonNull(stateVector, "stateVector");
    return guarded(() -> UpdateDiffer.diff(update, stateVector));
  }

  @Override
  public boolean adds(byte[] state, byte[] update) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(update, "update");
    return guarded(() -> UpdateDiffer.adds(state, update));
  }

  @Override
  public byte[] stateVector(byte[] update) {
    Objects.requireNonNull(update, "update");
    return guarded(() -> UpdateValidator.stateVector(update));
  }

  @Override
  public void validate(byte[] update) {
    Objects.requireNonNull(update, "update");
    guarded(() -> {
      UpdateValidator.validate(update);
      return null;
    });
  }

  @Override
  public String text(byte[] update, String name) {
    Objects.requireNonNull(update, "update");
    Objects.requireNonNull(name, "name");
    return guarded(() -> TextReader.text(update, name));
  }

  @Override
  public byte[] insertText(long clientId, String name, String text) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(text, "text");
    if (clientId < 0 || clientId > Lib0Decoder.MAX_SAFE_INTEGER) {
      throw new IllegalArgumentException("clientId must be 0 .. 2^53 - 1, was " + clientId);
    }
    Lib0Encoder e = new Lib0Encoder(text.length() + name.length() + 24);
    if (text.isEmpty()) {
      // YText.insert of "" makes no transaction and Yjs emits no update: this is the update that holds nothing.
      e.writeVarUint(0);
      e.writeVarUint(0);
      return e.toByteArray();
    }
    e.writeVarUint(1); // one client
    e.writeVarUint(1); // one struct
    e.writeVarUint(clientId);
    e.writeVarUint(0); // clock
    e.writeUint8(Struct.CONTENT_STRING); // no origins, no map key
    e.writeVarUint(1); // the parent is a root type, named:
    e.writeVarString(name);
    e.writeVarString(text);
    e.writeVarUint(0); // no deletes
    return e.toByteArray();
  }

  private interface Call<T> {
    T run();
  }

  /**
   * The decoders check bounds before every read, so these should not happen; if a bug lets one through, the caller
   * still gets the documented exception rather than a runtime error from deep inside.
   */
  private static <T> T guarded(Call<T> call) {
    try {
      return call.run();
    } catch (IndexOutOfBoundsException | NegativeArraySizeException | ArithmeticException | IllegalStateException
        | ClassCastException | NullPointerException e) {
      throw new MalformedUpdateException("undecodable update: " + e, e);
    } catch (StackOverflowError e) {
      throw new MalformedUpdateException("update nests too deeply", e);
    }
  }
}
