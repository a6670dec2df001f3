package io.atelier.correlation;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.spi.context.storage.ContextLocal;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The id of the request something is done for, so that one id finds every log line of a request on every node.
 *
 * <p>Vert.x runs each HTTP request and each event-bus message on a duplicated context of its own (a context that
 * shares its base's thread and order but has its own locals), and every callback of what it starts comes back there.
 * The id lives in a local of that context, so it follows the request through its asynchronous work where a
 * thread-local would not; the log configuration copies {@link #current()} into each event it writes.
 *
 * <p>The id is only ever set on a duplicated context: a base context serves many requests one after another.
 */
public final class RequestIds {

  /** The HTTP header a client may send its own id in; every response carries the id it was handled with. */
  public static final String HTTP_HEADER = "X-Request-Id";
  /** The delivery header that carries the id on the event bus. */
  public static final String BUS_HEADER = "x-request-id";
  /** The key log events carry the id under (their MDC). */
  public static final String LOG_KEY = "requestId";
  public static final int MAX_LENGTH = 128;

  /** What a client's id may be: short, and safe in logs, headers and URLs alike. */
  private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_LENGTH + "}");

  /**
   * Registered when this class loads, which {@link RequestIdsProvider} makes happen before any Vert.x instance is
   * built: an instance sizes its contexts' locals for the locals registered by then.
   */
  private static final ContextLocal<String> LOCAL = ContextLocal.registerLocal(String.class);

  private RequestIds() {
  }

  /** Nothing but a reason to load this class, and so register {@link #LOCAL}. */
  static void ensureRegistered() {
  }

  /** Whether a client's id is used as it is: 1 to 128 of {@code A-Z a-z 0-9 . _ : -}. */
  public static boolean isAcceptable(String id) {
    return id != null && ACCEPTABLE.matcher(id).matches();
  }

  /** The client's id when it is acceptable; else (none, too long, odd characters) a new one. */
  public static String fromClient(String header) {
    return isAcceptable(header) ? header : newId();
  }

  public static String newId() {
    return UUID.randomUUID().toString();
  }

  /** The id of the request the current Vert.x context works for, or null (none, or not on a Vert.x context). */
  public static String current() {
    Context context = Vertx.currentContext();
    return context == null ? null : of(context);
  }

  /** The id {@code context} works for, or null. */
  public static String of(Context context) {
    try {
      return context.getLocal(LOCAL);
    } catch (IllegalArgumentException builtBeforeRegistration) {
      // A Vert.x instance built before this class loaded has no room for the id; nothing of it has one.
      return null;
    }
  }

  /**
   * Sets the id of the request {@code context} works for; false, and nothing set, unless it is a duplicated context
   * (one request's or message's own).
   */
  public static boolean set(Context context, String id) {
    if (!(context instanceof ContextInternal internal) || !internal.isDuplicate()) {
      return false;
    }
    try {
      context.putLocal(LOCAL, id);
      return true;
    } catch (IllegalArgumentException builtBeforeRegistration) {
      return false;
    }
  }

  /**
   * A new context on {@code context}'s thread, in order with it, working for request {@code id} (none when null):
   * what runs on it, and every callback of what that starts, logs with the id.
   */
  public static Context scoped(Context context, String id) {
    ContextInternal duplicate = ((ContextInternal) context).duplicate();
    if (id != null) {
      set(duplicate, id);
    }
    return duplicate;
  }

  /**
   * Runs {@code action} at once, on the calling thread, with {@code context} as the current context; the calling
   * thread must be one {@code context} may run on. An exception {@code action} throws goes to the context's
   * exception handler.
   */
  public static void runOn(Context context, Runnable action) {
    ((ContextInternal) context).dispatch(action);
  }
}
