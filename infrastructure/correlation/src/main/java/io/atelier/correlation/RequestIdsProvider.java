package io.atelier.correlation;

import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.VertxServiceProvider;

/**
 * Loaded by every Vert.x instance as it is built (listed in {@code META-INF/services}): it loads {@link RequestIds},
 * whose context local must exist before the instance makes its first context.
 */
public final class RequestIdsProvider implements VertxServiceProvider {

  @Override
  public void init(VertxBootstrap builder) {
    RequestIds.ensureRegistered();
  }
}
