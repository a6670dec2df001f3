package io.atelier.outbound;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the mesh may call out to: public addresses only, so that a URL it is given (a job's webhook, a remote
 * engine's base) cannot make it call into the network it runs in (SSRF). A URL is checked when it is given
 * ({@link #checkUrl}: a job naming its webhook, a node reading its configuration) and again at each call
 * ({@link #resolve}), which resolves the host, refuses it if <em>any</em> of its addresses is inside (a name that
 * resolves inside is refused even if it looked fine when it was given: DNS rebinding) and hands over the one checked
 * address the call connects to, so nothing resolves the name again between the check and the connection.
 *
 * <p>Inside, and refused unless the user's allowed networks list them ({@link AllowedNetworks}; from the IANA
 * special-purpose registries):
 * <ul>
 *   <li>{@code 0.0.0.0/8}, {@code ::/128}: unspecified, "this network"; connecting to them reaches this host</li>
 *   <li>{@code 127.0.0.0/8}, {@code ::1/128}: loopback, this host's own services</li>
 *   <li>{@code 10.0.0.0/8}, {@code 172.16.0.0/12}, {@code 192.168.0.0/16}, {@code fc00::/7}: private networks</li>
 *   <li>{@code 169.254.0.0/16}, {@code fe80::/10}: link-local, where cloud metadata services (169.254.169.254) answer</li>
 *   <li>{@code 100.64.0.0/10}: shared address space of carrier-grade NAT, a provider's inside</li>
 *   <li>{@code 192.0.0.0/24}: IETF protocol assignments, not hosts</li>
 *   <li>{@code 192.0.2.0/24}, {@code 198.51.100.0/24}, {@code 203.0.113.0/24}, {@code 2001:db8::/32}, {@code 3fff::/20}:
 *       documentation, never a real server</li>
 *   <li>{@code 192.88.99.0/24}: the deprecated 6to4 relay anycast</li>
 *   <li>{@code 198.18.0.0/15}: benchmarking, kept off the internet</li>
 *   <li>{@code 224.0.0.0/4}, {@code ff00::/8}: multicast, not one server</li>
 *   <li>{@code 240.0.0.0/4}, {@code 255.255.255.255}: reserved, and the limited broadcast</li>
 *   <li>{@code fec0::/10}: the deprecated site-local block, still routed inside some networks</li>
 *   <li>{@code 64:ff9b:1::/48}: local-use NAT64, a network's own translator</li>
 *   <li>{@code 100::/64}: discard-only</li>
 *   <li>{@code 2001::/23}: IETF protocol assignments (Teredo, benchmarking, ORCHID), no server to call</li>
 *   <li>{@code 5f00::/16}: SRv6 segment identifiers, inside an operator's network</li>
 *   <li>IPv4-mapped {@code ::ffff:0:0/96}, IPv4-compatible {@code ::/96}, NAT64 {@code 64:ff9b::/96} and 6to4
 *       {@code 2002::/16}: judged by the IPv4 address they embed, which is where they lead</li>
 * </ul>
 *
 * <p>Hosts that are not plain names or addresses:
 * <ul>
 *   <li>{@code localhost} and {@code *.localhost} are loopback by definition (RFC 6761): taken as 127.0.0.1, never
 *       resolved, so they pass exactly when 127.0.0.1 is allowed</li>
 *   <li>a name without a dot is refused: only this network's search domains give it a meaning</li>
 *   <li>{@code *.local} (mDNS), {@code *.internal} and {@code *.home.arpa} are refused: names of private networks</li>
 *   <li>a host that ends in a number must be a dotted quad; {@code 2130706433}, {@code 127.1}, {@code 0x7f.1},
 *       {@code 0177.0.0.1} or {@code 017700000001} are refused, not normalised, as resolvers disagree on them (the JDK
 *       reads 0177.0.0.1 as 177.0.0.1 and refuses 0x7f.1; the C library reads both as 127.0.0.1)</li>
 *   <li>an IPv6 address with a zone ({@code [fe80::1%25eth0]}) is refused: a zone only means something on this host</li>
 * </ul>
 */
public final class OutboundTargets {

  public static final int MAX_URL_LENGTH = 2048;

  /** Resolves a host name to all its addresses. Blocking: it is called on a worker thread. */
  @FunctionalInterface
  public interface Resolver {
    List<InetAddress> resolve(String host) throws IOException;
  }

  public static final Resolver SYSTEM_RESOLVER = host -> List.of(InetAddress.getAllByName(host));

  /**
   * How the refusals speak of the URLs their user checks, so each names what its reader knows.
   *
   * @param field where the URL was given: {@code webhook.url} (the API's field), {@code transcription.baseUrl} (a key)
   * @param policy the rule, closing every refusal of an address: "webhooks may only be sent to public addresses"
   * @param example a URL of the right shape, for a refusal of one that is not even an http(s) URL
   * @param credentials where credentials go instead, for a refusal of a URL that carries some
   */
  public record Wording(String field, String policy, String example, String credentials) {
  }

  /** A URL that may not be called; {@link #reason()} says why, in a sentence for whoever gave the URL. */
  public static final class RefusedTarget extends RuntimeException {

    RefusedTarget(String reason) {
      super(reason, null, false, false);
    }

    public String reason() {
      return getMessage();
    }
  }

  /**
   * Where one call goes: {@code host} (as the URL writes it, IPv6 in brackets) for the Host header and TLS,
   * {@code address} to connect to, already checked.
   */
  public record Target(String host, int port, boolean tls, String requestUri, InetAddress address) {
  }

  private static final String DOTTED_QUAD = "four decimal numbers 0..255, such as 93.184.216.34";
  private static final List<String> PRIVATE_NAME_SUFFIXES = List.of(".local", ".internal", ".home.arpa");
  private static final InetAddress LOOPBACK = address(new byte[] {127, 0, 0, 1});

  private record Inside(AddressBlock block, String description) {
  }

  private static final List<Inside> INSIDE = List.of(
      inside("0.0.0.0/8", "an unspecified (\"this network\") address"),
      inside("10.0.0.0/8", "a private address"),
      inside("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
      inside("127.0.0.0/8", "a loopback address"),
      inside("169.254.0.0/16", "a link-local address"),
      inside("172.16.0.0/12", "a private address"),
      inside("192.0.0.0/24", "an IETF protocol assignment"),
      inside("192.0.2.0/24", "a documentation address"),
      inside("192.88.99.0/24", "a 6to4 relay anycast address"),
      inside("192.168.0.0/16", "a private address"),
      inside("198.18.0.0/15", "a benchmarking address"),
      inside("198.51.100.0/24", "a documentation address"),
      inside("203.0.113.0/24", "a documentation address"),
      inside("224.0.0.0/4", "a multicast address"),
      inside("255.255.255.255/32", "the broadcast address"),
      inside("240.0.0.0/4", "a reserved address"),
      inside("::/128", "the unspecified address"),
      inside("::1/128", "a loopback address"),
      inside("64:ff9b:1::/48", "a local-use NAT64 address"),
      inside("100::/64", "a discard-only address"),
      inside("2001::/23", "an IETF protocol assignment (Teredo, benchmarking, ORCHID)"),
      inside("2001:db8::/32", "a documentation address"),
      inside("3fff::/20", "a documentation address"),
      inside("5f00::/16", "a segment-routing (SRv6) address"),
      inside("fc00::/7", "a unique local (private) address"),
      inside("fe80::/10", "a link-local address"),
      inside("fec0::/10", "a site-local address"),
      inside("ff00::/8", "a multicast address"));

  /** IPv6 blocks that carry an IPv4 address, at {@code offset}: they are judged by it. */
  private record Embedding(AddressBlock block, int offset, String description) {
  }

  private static final List<Embedding> EMBEDDINGS = List.of(
      new Embedding(AddressBlock.parse("::ffff:0:0/96"), 12, "an IPv4-mapped address of "),
      new Embedding(AddressBlock.parse("::/96"), 12, "an IPv4-compatible address of "),
      new Embedding(AddressBlock.parse("64:ff9b::/96"), 12, "a NAT64 address of "),
      new Embedding(AddressBlock.parse("2002::/16"), 2, "a 6to4 address of "));

  private final Wording wording;
  /** How every refusal begins, and how one of an address ends. */
  private final String field;
  private final String policy;
  private final List<AddressBlock> allowed;
  private final Resolver resolver;

  /**
   * @param allowed blocks that may be called although they are inside (for development: receivers and engines on
   *     127.0.0.1)
   */
  public OutboundTargets(Wording wording, List<AddressBlock> allowed, Resolver resolver) {
    this.wording = wording;
    this.field = wording.field();
    this.policy = "; " + wording.policy();
    this.allowed = List.copyOf(allowed);
    this.resolver = resolver;
  }

  /**
   * When the URL is given: checks it without resolving it (a name is checked again, resolved, at each call).
   *
   * @return the URL as it is kept: scheme and host in lower case, the rest as written
   * @throws RefusedTarget naming what is wrong (for a {@code 400} on {@code webhook.url}, say)
   */
  public String checkUrl(String url) {
    return parse(url).url();
  }

  /**
   * At each call: checks the URL again, resolves its host on a worker thread and checks every address it resolves
   * to. Fails with {@link RefusedTarget} when the target is refused (no point retrying), or with the resolver's error
   * (an {@link UnknownHostException}, say) when the name does not resolve now.
   */
  public Future<Target> resolve(Vertx vertx, String url) {
    Parsed parsed;
    try {
      parsed = parse(url);
    } catch (RefusedTarget e) {
      return Future.failedFuture(e);
    }
    if (parsed.address() != null) {
      return Future.succeededFuture(parsed.target(parsed.address()));
    }
    return vertx.executeBlocking(() -> {
          List<InetAddress> addresses = resolver.resolve(parsed.host());
          if (addresses.isEmpty()) {
            throw new UnknownHostException(parsed.host() + ": no address");
          }
          return addresses;
        }, false)
        .map(addresses -> parsed.target(checked(parsed.host(), addresses)));
  }

  /** A URL that passed the checks; {@code address} is null for a name, which is only resolved at each call. */
  private record Parsed(String url, String host, int port, boolean tls, String requestUri, InetAddress address) {

    Target target(InetAddress connectTo) {
      return new Target(host, port, tls, requestUri, connectTo);
    }
  }

  private Parsed parse(String url) {
    if (url == null) {
      throw new RefusedTarget(field + " is required");
    }
    if (url.length() > MAX_URL_LENGTH) {
      throw new RefusedTarget(field + " is " + url.length() + " characters long; at most " + MAX_URL_LENGTH
          + " are allowed");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new RefusedTarget(field + " is not a valid URL (" + e.getReason() + " at index " + e.getIndex() + ")");
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!("http".equals(scheme) || "https".equals(scheme)) || uri.isOpaque() || uri.getRawAuthority() == null) {
      throw new RefusedTarget(field + " must be an absolute http or https URL, such as "
          + wording.example());
    }
    String authority = uri.getRawAuthority();
    if (authority.contains("@")) {
      throw new RefusedTarget(field + " must not carry user information (name:password@ before the host); "
          + wording.credentials());
    }
    if (uri.getHost() == null) {
      throw new RefusedTarget(invalidHost(authority.replaceFirst(":\\d*$", "")));
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      throw new RefusedTarget(field + " port must be 1..65535, was " + uri.getPort());
    }
    boolean tls = scheme.equals("https");
    int port = uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80;
    String path = uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String requestUri = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    String normalised = scheme + "://" + host + (uri.getPort() != -1 ? ":" + uri.getPort() : "") + uri.getRawPath()
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
        + (uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment());
    return new Parsed(normalised, host, port, tls, requestUri, checkedHost(host));
  }

  /** The address an IP literal or a loopback name stands for, once checked; null for a name to resolve later. */
  private InetAddress checkedHost(String host) {
    if (host.startsWith("[")) {
      String literal = host.substring(1, host.length() - 1);
      if (literal.contains("%")) {
        throw new RefusedTarget(field + " host " + host + " has an IPv6 zone (%...), which only means something "
            + "on this host" + policy);
      }
      byte[] bytes = AddressBlock.literal(literal)
          .orElseThrow(() -> new RefusedTarget(field + " host " + host + " is not a valid IPv6 address"));
      return checkedLiteral(host, address(bytes));
    }
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (endsInNumber(name)) {
      // A dotted quad with a trailing dot is still refused: resolvers disagree on that form too.
      Optional<byte[]> quad = host.equals(name) ? AddressBlock.literal(name) : Optional.empty();
      return checkedLiteral(host, address(quad.orElseThrow(() -> new RefusedTarget(invalidHost(host)))));
    }
    if (name.equals("localhost") || name.endsWith(".localhost")) {
      refusal(LOOPBACK).ifPresent(description -> {
        throw new RefusedTarget(field + " host " + host + " is a loopback name (always this host, 127.0.0.1)"
            + policy);
      });
      return LOOPBACK;
    }
    if (!name.contains(".")) {
      throw new RefusedTarget(field + " host " + host + " has no dot: only this network's search domains can "
          + "resolve it; use a fully qualified name");
    }
    for (String suffix : PRIVATE_NAME_SUFFIXES) {
      if (name.endsWith(suffix) || name.equals(suffix.substring(1))) {
        throw new RefusedTarget(field + " host " + host + " is a " + suffix + " name, which only a private "
            + "network resolves" + policy);
      }
    }
    return null;
  }

  private InetAddress checkedLiteral(String host, InetAddress address) {
    String canonical = AddressBlock.text(address.getAddress());
    refusal(address).ifPresent(description -> {
      String written = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      throw new RefusedTarget((written.equals(canonical) ? field + " names " + canonical
          : field + " host " + host + " is " + canonical) + ", " + description + policy);
    });
    return address;
  }

  private InetAddress checked(String host, List<InetAddress> addresses) {
    for (InetAddress address : addresses) {
      refusal(address).ifPresent(description -> {
        throw new RefusedTarget(field + " host " + host + " resolves to " + AddressBlock.text(address.getAddress())
            + ", " + description + policy);
      });
    }
    // Without the name it was resolved from, so the connection cannot look it up again.
    return address(addresses.get(0).getAddress());
  }

  /** Why an address is inside, or empty when it may be called. */
  private Optional<String> refusal(InetAddress address) {
    if (allowed.stream().anyMatch(block -> block.contains(address))) {
      return Optional.empty();
    }
    for (Inside inside : INSIDE) {
      if (inside.block().contains(address)) {
        return Optional.of(inside.description());
      }
    }
    for (Embedding embedding : EMBEDDINGS) {
      if (embedding.block().contains(address)) {
        byte[] bytes = address.getAddress();
        InetAddress ipv4 = address(Arrays.copyOfRange(bytes, embedding.offset(), embedding.offset() + 4));
        return refusal(ipv4).map(description ->
            embedding.description() + AddressBlock.text(ipv4.getAddress()) + ", " + description);
      }
    }
    return Optional.empty();
  }

  private String invalidHost(String host) {
    return endsInNumber(host.endsWith(".") ? host.substring(0, host.length() - 1) : host)
        ? field + " host " + host + " is not an IPv4 address in dotted-quad form (" + DOTTED_QUAD + "); other "
            + "forms such as 2130706433, 127.1 or 0x7f.0.0.1 are read differently by different resolvers"
        : field + " host " + host + " is not a valid host name"
            + (host.chars().allMatch(c -> c < 128) ? "" : " (write an international name in its xn-- form)");
  }

  /** As the URL standard decides whether a host is meant as an IPv4 address: its last label is a number. */
  private static boolean endsInNumber(String host) {
    String last = host.substring(host.lastIndexOf('.') + 1);
    return last.matches("\\d+|0[xX][0-9a-fA-F]*");
  }

  private static InetAddress address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + bytes.length, e);
    }
  }

  private static Inside inside(String block, String description) {
    return new Inside(AddressBlock.parse(block), description);
  }
}
