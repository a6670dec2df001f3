package io.atelier.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.atelier.correlation.RequestIds;
import java.util.Objects;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Puts the id of the request the current Vert.x context works for into the MDC of every log event, as
 * {@code requestId}, and takes it out where there is none. A turbo filter runs on the logging thread before the event
 * is made, so the event carries the id of the context it was logged on; a thread-local MDC set by hand could not follow
 * a request across the asynchronous callbacks of an event loop.
 */
public final class RequestIdTurboFilter extends TurboFilter {

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    String id = RequestIds.current();
    String inMdc = MDC.get(RequestIds.LOG_KEY);
    if (!Objects.equals(id, inMdc)) {
      if (id == null) {
        MDC.remove(RequestIds.LOG_KEY);
      } else {
        MDC.put(RequestIds.LOG_KEY, id);
      }
    }
    return FilterReply.NEUTRAL;
  }
}
