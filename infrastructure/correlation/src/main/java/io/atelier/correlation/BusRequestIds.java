package io.atelier.correlation;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;

/**
 * Carries request ids across the event bus, for every message of a node, in one place: what is sent while working for
 * a request carries its id in the {@link RequestIds#BUS_HEADER} header (unless the sender said otherwise with
 * {@link #forRequest}), and a consumer handles a message with that header working for the same request.
 *
 * <p>Vert.x dispatches each message to a consumer on a duplicated context made for that message alone (as it does each
 * HTTP request), and the inbound interceptors run on it: the id set there is the message's, and the next message
 * starts on a context of its own without it. A reply is dispatched on its requester's context instead, which keeps
 * the id it has.
 */
public final class BusRequestIds {

  private BusRequestIds() {
  }

  /** Installs both interceptors on {@code bus}; once per Vert.x instance. */
  public static void install(EventBus bus) {
    bus.addOutboundInterceptor(BusRequestIds::stamp);
    bus.addInboundInterceptor(BusRequestIds::adopt);
  }

  /**
   * Options for a message sent for request {@code id} whatever the sending context works for, or, when {@code id} is
   * null, for no request (an empty header, which is never replaced, and which consumers ignore).
   */
  public static DeliveryOptions forRequest(String id) {
    return new DeliveryOptions().addHeader(RequestIds.BUS_HEADER, id == null ? "" : id);
  }

  private static void stamp(DeliveryContext<Object> delivery) {
    String id = RequestIds.current();
    if (id != null && !delivery.message().headers().contains(RequestIds.BUS_HEADER)) {
      delivery.message().headers().set(RequestIds.BUS_HEADER, id);
    }
    delivery.next();
  }

  private static void adopt(DeliveryContext<Object> delivery) {
    Context context = Vertx.currentContext();
    if (context != null && RequestIds.of(context) == null) {
      String id = delivery.message().headers().get(RequestIds.BUS_HEADER);
      // Only an id a client could have sent: the bus reaches past the edge's own checks.
      if (RequestIds.isAcceptable(id)) {
        RequestIds.set(context, id);
      }
    }
    delivery.next();
  }
}
