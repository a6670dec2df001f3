package io.atelier.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atelier.outbound.OutboundTargets.RefusedTarget;
import io.atelier.outbound.OutboundTargets.Target;
import io.atelier.outbound.OutboundTargets.Wording;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundTargetsTest {

  /** As the edge words the refusals of webhook URLs: the cases below read as the API's client sees them. */
  private static final Wording WEBHOOKS = new Wording("webhook.url", "webhooks may only be sent to public addresses",
      "https://example.com/hooks", "receivers authenticate deliveries by their signature");
  private static final String POLICY = "; webhooks may only be sent to public addresses";
  private static final OutboundTargets.Resolver NEVER = host -> {
    throw new AssertionError("resolved " + host);
  };

  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    await(vertx.close());
  }

  private static OutboundTargets targets(String... allowedNetworks) {
    return targets(NEVER, allowedNetworks);
  }

  private static OutboundTargets targets(OutboundTargets.Resolver resolver, String... allowedNetworks) {
    JsonObject config = new JsonObject().put("webhooks",
        new JsonObject().put("allowedNetworks", new JsonArray(List.of((Object[]) allowedNetworks))));
    return new OutboundTargets(WEBHOOKS, AllowedNetworks.from(config, "webhooks"), resolver);
  }

  private static String refusal(OutboundTargets targets, String url) {
    try {
      String checked = targets.checkUrl(url);
      throw new AssertionError(url + " was accepted as " + checked);
    } catch (RefusedTarget e) {
      return e.reason();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private static InetAddress ip(String literal) throws UnknownHostException {
    return InetAddress.getByAddress(AddressBlock.literal(literal).orElseThrow());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "http://0.0.0.0/               | webhook.url names 0.0.0.0, an unspecified (\"this network\") address",
      "http://0.1.2.3/               | webhook.url names 0.1.2.3, an unspecified (\"this network\") address",
      "http://127.0.0.1:8080/hook    | webhook.url names 127.0.0.1, a loopback address",
      "http://127.255.255.254/       | webhook.url names 127.255.255.254, a loopback address",
      "http://10.0.0.5/              | webhook.url names 10.0.0.5, a private address",
      "http://172.16.0.1/            | webhook.url names 172.16.0.1, a private address",
      "http://172.31.255.255/        | webhook.url names 172.31.255.255, a private address",
      "http://192.168.1.1/           | webhook.url names 192.168.1.1, a private address",
      "http://169.254.169.254/latest | webhook.url names 169.254.169.254, a link-local address",
      "http://100.64.0.1/            | webhook.url names 100.64.0.1, a shared (carrier-grade NAT) address",
      "http://100.127.255.255/       | webhook.url names 100.127.255.255, a shared (carrier-grade NAT) address",
      "http://192.0.0.8/             | webhook.url names 192.0.0.8, an IETF protocol assignment",
      "http://192.0.2.1/             | webhook.url names 192.0.2.1, a documentation address",
      "http://198.51.100.7/          | webhook.url names 198.51.100.7, a documentation address",
      "http://203.0.113.9/           | webhook.url names 203.0.113.9, a documentation address",
      "http://192.88.99.1/           | webhook.url names 192.88.99.1, a 6to4 relay anycast address",
      "http://198.18.0.1/            | webhook.url names 198.18.0.1, a benchmarking address",
      "http://198.19.255.255/        | webhook.url names 198.19.255.255, a benchmarking address",
      "http://224.0.0.1/             | webhook.url names 224.0.0.1, a multicast address",
      "http://239.255.255.250/       | webhook.url names 239.255.255.250, a multicast address",
      "http://240.0.0.1/             | webhook.url names 240.0.0.1, a reserved address",
      "http://255.255.255.255/       | webhook.url names 255.255.255.255, the broadcast address",
      "http://[::]/                  | webhook.url names ::, the unspecified address",
      "http://[::1]:8080/            | webhook.url names ::1, a loopback address",
      "http://[0:0:0:0:0:0:0:1]/     | webhook.url host [0:0:0:0:0:0:0:1] is ::1, a loopback address",
      "http://[fe80::1]/             | webhook.url names fe80::1, a link-local address",
      "http://[febf:ffff::1]/        | webhook.url names febf:ffff::1, a link-local address",
      "http://[fc00::1]/             | webhook.url names fc00::1, a unique local (private) address",
      "http://[FD12:3456:789A::1]/   | webhook.url names fd12:3456:789a::1, a unique local (private) address",
      "http://[fec0::1]/             | webhook.url names fec0::1, a site-local address",
      "http://[ff02::1]/             | webhook.url names ff02::1, a multicast address",
      "http://[2001:db8::1]/         | webhook.url names 2001:db8::1, a documentation address",
      "http://[3fff::1]/             | webhook.url names 3fff::1, a documentation address",
      "http://[64:ff9b:1::a00:1]/    | webhook.url names 64:ff9b:1::a00:1, a local-use NAT64 address",
      "http://[100::1]/              | webhook.url names 100::1, a discard-only address",
      "http://[2001::1]/             | webhook.url names 2001::1, an IETF protocol assignment (Teredo, benchmarking, ORCHID)",
      "http://[5f00::1]/             | webhook.url names 5f00::1, a segment-routing (SRv6) address",
      "http://[::ffff:10.0.0.1]/     | webhook.url host [::ffff:10.0.0.1] is 10.0.0.1, a private address",
      "http://[::ffff:7f00:1]/       | webhook.url host [::ffff:7f00:1] is 127.0.0.1, a loopback address",
      "http://[::ffff:a9fe:a9fe]/    | webhook.url host [::ffff:a9fe:a9fe] is 169.254.169.254, a link-local address",
      "http://[::10.0.0.1]/          | webhook.url host [::10.0.0.1] is ::a00:1, an IPv4-compatible address of 10.0.0.1, a private address",
      "http://[64:ff9b::a00:1]/      | webhook.url names 64:ff9b::a00:1, a NAT64 address of 10.0.0.1, a private address",
      "http://[64:ff9b::127.0.0.1]/  | webhook.url host [64:ff9b::127.0.0.1] is 64:ff9b::7f00:1, a NAT64 address of 127.0.0.1, a loopback address",
      "http://[2002:a00:1::]/        | webhook.url names 2002:a00:1::, a 6to4 address of 10.0.0.1, a private address",
      "http://[2002:a9fe:a9fe::1]/   | webhook.url names 2002:a9fe:a9fe::1, a 6to4 address of 169.254.169.254, a link-local address",
  })
  void anAddressInsideTheNetworkIsRefusedNamingWhatItIs(String url, String reason) {
    assertThat(refusal(targets(), url)).isEqualTo(reason + POLICY);
  }

  @Test
  void theRefusalsNameTheFieldAndTheRuleOfWhoeverChecks() {
    OutboundTargets engines = new OutboundTargets(new Wording("transcription.baseUrl",
        "remote engines may only be called at public addresses", "https://api.openai.com/v1",
        "the engine's key goes in transcription.apiKey"), List.of(), NEVER);
    assertThat(refusal(engines, "http://169.254.169.254/v1")).isEqualTo("transcription.baseUrl names 169.254.169.254, "
        + "a link-local address; remote engines may only be called at public addresses");
    assertThat(refusal(engines, "ftp://api.example.com/v1"))
        .isEqualTo("transcription.baseUrl must be an absolute http or https URL, such as https://api.openai.com/v1");
    assertThat(refusal(engines, "https://key:secret@api.example.com/v1")).isEqualTo("transcription.baseUrl must not "
        + "carry user information (name:password@ before the host); the engine's key goes in transcription.apiKey");
  }

  @ParameterizedTest(name = "{1} allowed by {0}")
  @CsvSource({
      "127.0.0.0/8,     http://127.0.0.1:8080/hook",
      "127.0.0.0/8,     http://localhost:8080/hook",
      "127.0.0.0/8,     http://[::ffff:127.0.0.1]/",
      "127.0.0.0/8,     http://[64:ff9b::7f00:1]/",
      "::1/128,         http://[::1]/",
      "0.0.0.0/8,       http://0.0.0.0/",
      "::/128,          http://[::]/",
      "10.0.0.0/8,      http://10.0.0.5/",
      "10.0.0.0/8,      http://[2002:a00:1::]/",
      "10.0.0.0/8,      http://[::10.0.0.1]/",
      "172.16.0.0/12,   http://172.20.1.1/",
      "192.168.0.0/16,  http://192.168.1.1/",
      "169.254.0.0/16,  http://169.254.169.254/",
      "100.64.0.0/10,   http://100.64.0.1/",
      "192.0.0.0/24,    http://192.0.0.8/",
      "192.0.2.0/24,    http://192.0.2.1/",
      "198.18.0.0/15,   http://198.18.0.1/",
      "198.51.100.0/24, http://198.51.100.7/",
      "203.0.113.0/24,  http://203.0.113.9/",
      "224.0.0.0/4,     http://224.0.0.1/",
      "240.0.0.0/4,     http://240.0.0.1/",
      "255.255.255.255, http://255.255.255.255/",
      "fe80::/10,       http://[fe80::1]/",
      "fc00::/7,        http://[fd00::1]/",
      "fec0::/10,       http://[fec0::1]/",
      "ff00::/8,        http://[ff02::1]/",
      "2001:db8::/32,   http://[2001:db8::1]/",
      "64:ff9b:1::/48,  http://[64:ff9b:1::1]/",
  })
  void anAddressInsideIsAcceptedWhenItsNetworkIsAllowed(String network, String url) {
    assertThat(targets(network).checkUrl(url)).isEqualTo(url);
  }

  @Test
  void anAllowedNetworkOpensNothingAroundIt() {
    OutboundTargets targets = targets("127.0.0.1/32", "10.1.0.0/16");
    assertThat(targets.checkUrl("http://127.0.0.1/")).isEqualTo("http://127.0.0.1/");
    assertThat(refusal(targets, "http://127.0.0.2/")).contains("a loopback address");
    assertThat(refusal(targets, "http://10.2.0.1/")).contains("a private address");
    assertThat(refusal(targets, "http://[::1]/")).contains("a loopback address");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "http://93.184.216.34/hooks", "https://1.1.1.1/", "http://8.8.8.8:8080/x?y=z", "http://172.32.0.1/",
      "http://100.128.0.1/", "http://192.169.0.1/", "http://11.0.0.1/", "http://[2606:4700::1111]/",
      "https://[2001:4860:4860::8888]:8443/", "http://[::ffff:93.184.216.34]/", "http://[64:ff9b::5db8:d822]/",
      "http://[2002:5db8:d822::1]/", "https://example.com/hooks", "https://hooks.example.com:8443/a/b?c=d#e",
      "https://example.com.", "http://xn--bcher-kva.example/"})
  void aPublicAddressOrNameIsAccepted(String url) {
    assertThat(targets().checkUrl(url)).isEqualTo(url);
  }

  @Test
  void theCheckedUrlHasItsSchemeAndHostInLowerCase() {
    assertThat(targets().checkUrl("HTTPS://Hooks.Example.COM:8443/Path?Q=A%20B#Top"))
        .isEqualTo("https://hooks.example.com:8443/Path?Q=A%20B#Top");
  }

  @ParameterizedTest
  @ValueSource(strings = {"2130706433", "0x7f.1", "127.1", "017700000001", "0177.0.0.1", "0x7f000001", "0x7f.0.0.1",
      "127.0.0.1.", "127.000.000.001", "1.1.1.1.1", "999.1.1.1", "4294967296", "93.184.216.034", "1.2.3",
      "example.0x1f", "example.123"})
  void anIpv4AddressInAnyFormButTheDottedQuadIsRefusedEvenWhenAllowed(String host) {
    assertThat(refusal(targets("0.0.0.0/0"), "http://" + host + ":8080/hook")).isEqualTo("webhook.url host " + host
        + " is not an IPv4 address in dotted-quad form (four decimal numbers 0..255, such as 93.184.216.34); other "
        + "forms such as 2130706433, 127.1 or 0x7f.0.0.1 are read differently by different resolvers");
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "LOCALHOST", "localhost.", "api.localhost", "a.b.localhost"})
  void localhostIsALoopbackName(String host) {
    assertThat(refusal(targets(), "http://" + host + ":8080/")).isEqualTo("webhook.url host " + host.toLowerCase()
        + " is a loopback name (always this host, 127.0.0.1)" + POLICY);
  }

  @Test
  void aNameWithoutADotOrOfAPrivateNameSpaceIsRefused() {
    assertThat(refusal(targets("0.0.0.0/0"), "http://intranet/hooks")).isEqualTo("webhook.url host intranet has no "
        + "dot: only this network's search domains can resolve it; use a fully qualified name");
    assertThat(refusal(targets(), "http://printer.local/")).isEqualTo(
        "webhook.url host printer.local is a .local name, which only a private network resolves" + POLICY);
    assertThat(refusal(targets(), "http://metadata.google.internal/")).contains("is a .internal name");
    assertThat(refusal(targets(), "http://router.home.arpa/")).contains("is a .home.arpa name");
    assertThat(refusal(targets(), "http://home.arpa/")).contains("is a .home.arpa name");
  }

  @Test
  void anIpv6AddressWithAZoneIsRefused() {
    assertThat(refusal(targets("fe80::/10"), "http://[fe80::1%25eth0]/")).isEqualTo(
        "webhook.url host [fe80::1%25eth0] has an IPv6 zone (%...), which only means something on this host" + POLICY);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://example.com/", "file:///etc/passwd", "gopher://example.com/", "javascript:alert(1)",
      "mailto:hooks@example.com", "/relative/path", "hooks", "example.com/hooks", "//example.com/hooks",
      "http:example.com", "http:///hooks", ""})
  void onlyAnAbsoluteHttpUrlWithAHostIsAccepted(String url) {
    assertThat(refusal(targets(), url))
        .isEqualTo("webhook.url must be an absolute http or https URL, such as https://example.com/hooks");
  }

  @Test
  void aUrlThatDoesNotParseIsRefusedSayingWhere() {
    assertThat(refusal(targets(), "http://exa mple.com/"))
        .isEqualTo("webhook.url is not a valid URL (Illegal character in authority at index 7)");
    assertThat(refusal(targets(), null)).isEqualTo("webhook.url is required");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://user:secret@example.com/", "http://example.com@10.0.0.1/", "http://user@127.1/",
      "https://token@example.com:8443/"})
  void aUrlWithUserInformationIsRefused(String url) {
    assertThat(refusal(targets(), url)).isEqualTo("webhook.url must not carry user information (name:password@ "
        + "before the host); receivers authenticate deliveries by their signature");
  }

  @Test
  void aUrlOfMoreThan2048CharactersIsRefused() {
    String base = "https://example.com/";
    String longest = base + "a".repeat(OutboundTargets.MAX_URL_LENGTH - base.length());
    assertThat(targets().checkUrl(longest)).isEqualTo(longest);
    assertThat(refusal(targets(), longest + "a"))
        .isEqualTo("webhook.url is 2049 characters long; at most 2048 are allowed");
  }

  @Test
  void aHostThatIsNotAHostNameOrAPortOutOfRangeIsRefused() {
    assertThat(refusal(targets(), "http://exa_mple.com/")).isEqualTo("webhook.url host exa_mple.com is not a valid "
        + "host name");
    assertThat(refusal(targets(), "http://bücher.example/")).isEqualTo("webhook.url host bücher.example is not a "
        + "valid host name (write an international name in its xn-- form)");
    assertThat(refusal(targets(), "http://[1:2:3]/"))
        .isEqualTo("webhook.url is not a valid URL (IPv6 address too short at index 8)");
    assertThat(refusal(targets(), "http://example.com:0/")).isEqualTo("webhook.url port must be 1..65535, was 0");
    assertThat(refusal(targets(), "http://example.com:65536/")).isEqualTo("webhook.url port must be 1..65535, "
        + "was 65536");
  }

  @Test
  void allowedNetworksAreAJsonArrayOrACommaSeparatedStringAndNoneByDefault() {
    assertThat(AllowedNetworks.from(new JsonObject(), "webhooks")).isEmpty();
    assertThat(AllowedNetworks.from(new JsonObject().put("webhooks", new JsonObject()), "webhooks")).isEmpty();
    JsonObject fromVariable = new JsonObject().put("webhooks",
        new JsonObject().put("allowedNetworks", "127.0.0.0/8, ::1/128,"));
    assertThat(AllowedNetworks.from(fromVariable, "webhooks")).map(AddressBlock::toString)
        .containsExactly("127.0.0.0/8", "::1/128");
    JsonObject fromFile = new JsonObject().put("webhooks",
        new JsonObject().put("allowedNetworks", new JsonArray().add("10.0.0.0/8").add("FD00:0::/8").add("10.0.0.7")));
    assertThat(AllowedNetworks.from(fromFile, "webhooks")).map(AddressBlock::toString)
        .containsExactly("10.0.0.0/8", "fd00::/8", "10.0.0.7/32");
  }

  @Test
  void anAllowedNetworkThatIsNotACidrBlockFailsNamingTheKey() {
    String invalid = "webhooks.allowedNetworks entries must be CIDR blocks such as 127.0.0.0/8, was ";
    Map<Object, String> details = Map.of(
        "x", "'x': 'x' is not an IPv4 or IPv6 address",
        "localhost/8", "'localhost/8': 'localhost' is not an IPv4 or IPv6 address",
        "127.1/8", "'127.1/8': '127.1' is not an IPv4 or IPv6 address",
        "10.1.0.0/8", "'10.1.0.0/8': bits are set after the /8 prefix; the block is 10.0.0.0/8",
        "10.0.0.0/33", "'10.0.0.0/33': the prefix length must be 0..32, was '33'",
        "fc00::/129", "'fc00::/129': the prefix length must be 0..128, was '129'",
        "10.0.0.0/", "'10.0.0.0/': the prefix length must be 0..32, was ''",
        8, "'8'");
    details.forEach((entry, detail) -> assertThatThrownBy(() -> AllowedNetworks.from(new JsonObject().put("webhooks",
        new JsonObject().put("allowedNetworks", new JsonArray().add(entry))), "webhooks"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(invalid + detail));
    assertThatThrownBy(() -> AllowedNetworks.from(new JsonObject().put("webhooks",
        new JsonObject().put("allowedNetworks", 8)), "webhooks"))
        .hasMessage("webhooks.allowedNetworks must be a list of CIDR blocks such as 127.0.0.0/8 (a JSON array, or a "
            + "comma-separated string), was 8");
  }

  @ParameterizedTest
  @CsvSource({
      "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
      "2001:db8:0:0:1:0:0:1,                    2001:db8::1:0:0:1",
      "2001:db8:0:1:1:1:1:1,                    2001:db8:0:1:1:1:1:1",
      "1:0:0:2:0:0:0:3,                         1:0:0:2::3",
      "0:0:0:0:0:0:0:0,                         ::",
      "FE80:0:0:0:0:0:0:0,                      fe80::",
      "::ffff:10.0.0.1,                         ::ffff:a00:1",
      "010.0.0.1,                               not an address",
      "10.0.0.256,                              not an address"})
  void addressesAreWrittenAsRfc5952Says(String literal, String text) {
    assertThat(AddressBlock.literal(literal).map(AddressBlock::text).orElse("not an address")).isEqualTo(text);
  }

  @Test
  void aNameResolvingToAPrivateAddressIsRefusedAtDeliveryThoughItPassedAtSubmission() throws Exception {
    OutboundTargets targets = targets(host -> List.of(ip("10.0.0.1")));
    assertThat(targets.checkUrl("https://hooks.example.com/a")).isEqualTo("https://hooks.example.com/a");
    assertThatThrownBy(() -> await(targets.resolve(vertx, "https://hooks.example.com/a")))
        .isInstanceOf(RefusedTarget.class)
        .hasMessage("webhook.url host hooks.example.com resolves to 10.0.0.1, a private address" + POLICY);
  }

  @Test
  void aNameResolvingToAPublicAndAnInsideAddressIsRefused() {
    OutboundTargets v4 = targets(host -> List.of(ip("93.184.216.34"), ip("10.0.0.1")));
    assertThatThrownBy(() -> await(v4.resolve(vertx, "https://hooks.example.com/a")))
        .hasMessage("webhook.url host hooks.example.com resolves to 10.0.0.1, a private address" + POLICY);
    OutboundTargets v6 = targets(host -> List.of(ip("2606:4700::1111"), ip("::ffff:127.0.0.1")));
    assertThatThrownBy(() -> await(v6.resolve(vertx, "https://hooks.example.com/a")))
        .hasMessage("webhook.url host hooks.example.com resolves to 127.0.0.1, a loopback address" + POLICY);
  }

  @Test
  void aNameResolvingOnlyToPublicAddressesGivesTheAddressThatWasChecked() throws Exception {
    List<String> asked = Collections.synchronizedList(new ArrayList<>());
    OutboundTargets targets = targets(host -> {
      asked.add(host + (Context.isOnWorkerThread() ? " on a worker" : " elsewhere"));
      return List.of(InetAddress.getByAddress(host, ip("93.184.216.34").getAddress()), ip("2606:4700::1111"));
    });
    Target target = await(targets.resolve(vertx, "https://Hooks.Example.com/a/b?c=d#e"));
    assertThat(asked).containsExactly("hooks.example.com on a worker");
    assertThat(target).isEqualTo(new Target("hooks.example.com", 443, true, "/a/b?c=d", ip("93.184.216.34")));
    // No name comes with the address: nothing can resolve it again on the way to the connection.
    assertThat(target.address().toString()).isEqualTo("/93.184.216.34");
  }

  @Test
  void addressesAndLocalhostAreNotResolved() throws Exception {
    OutboundTargets targets = targets("127.0.0.0/8");
    assertThat(await(targets.resolve(vertx, "http://[2606:4700::1111]:8080")))
        .isEqualTo(new Target("[2606:4700::1111]", 8080, false, "/", ip("2606:4700::1111")));
    assertThat(await(targets.resolve(vertx, "http://localhost:8080/hook")))
        .isEqualTo(new Target("localhost", 8080, false, "/hook", ip("127.0.0.1")));
  }

  @Test
  void aUrlRefusedAtSubmissionIsRefusedAtDeliveryWithoutResolving() {
    assertThatThrownBy(() -> await(targets().resolve(vertx, "http://10.0.0.1/")))
        .isInstanceOf(RefusedTarget.class)
        .hasMessage("webhook.url names 10.0.0.1, a private address" + POLICY);
    assertThatThrownBy(() -> await(targets().resolve(vertx, "http://intranet/")))
        .isInstanceOf(RefusedTarget.class);
  }

  @Test
  void aNameThatDoesNotResolveIsAnErrorToRetryNotARefusal() {
    OutboundTargets unknown = targets(host -> {
      throw new UnknownHostException(host);
    });
    assertThatThrownBy(() -> await(unknown.resolve(vertx, "https://hooks.example.com/")))
        .isInstanceOf(UnknownHostException.class);
    OutboundTargets empty = targets(host -> List.of());
    assertThatThrownBy(() -> await(empty.resolve(vertx, "https://hooks.example.com/")))
        .isInstanceOf(UnknownHostException.class)
        .hasMessage("hooks.example.com: no address");
  }
}
