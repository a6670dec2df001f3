package io.atelier.edge;

import io.atelier.outbound.AddressBlock;
import io.atelier.outbound.AllowedNetworks;
import io.atelier.outbound.OutboundTargets;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The {@code webhooks} section of the configuration.
 *
 * @param allowedNetworks blocks that webhooks may be sent to although they are inside a network (loopback, private,
 *     ...); empty by default. For development: a dev mesh and the tests deliver to receivers on 127.0.0.1.
 */
record WebhooksConfig(List<AddressBlock> allowedNetworks) {

  /** Refusals of a webhook URL are read by the API's client, who gave it as {@code webhook.url}. */
  static final OutboundTargets.Wording WORDING = new OutboundTargets.Wording("webhook.url",
      "webhooks may only be sent to public addresses", "https://example.com/hooks",
      "receivers authenticate deliveries by their signature");

  WebhooksConfig {
    allowedNetworks = List.copyOf(allowedNetworks);
  }

  /** Reads {@code webhooks.allowedNetworks} (see {@link AllowedNetworks#from}). */
  static WebhooksConfig from(JsonObject config) {
    return new WebhooksConfig(AllowedNetworks.from(config, "webhooks"));
  }

  /** Where webhooks may be sent, their hosts resolved by the system's resolver. */
  OutboundTargets targets() {
    return targets(OutboundTargets.SYSTEM_RESOLVER);
  }

  OutboundTargets targets(OutboundTargets.Resolver resolver) {
    return new OutboundTargets(WORDING, allowedNetworks, resolver);
  }
}
