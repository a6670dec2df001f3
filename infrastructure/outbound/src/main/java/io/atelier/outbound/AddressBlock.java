package io.atelier.outbound;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * A CIDR block of IPv4 or IPv6 addresses, such as {@code 10.0.0.0/8} or {@code fc00::/7}. Built from address literals
 * only: nothing here ever asks DNS.
 */
public final class AddressBlock {

  private final byte[] network;
  private final int prefixLength;

  private AddressBlock(byte[] network, int prefixLength) {
    this.network = network;
    this.prefixLength = prefixLength;
  }

  /**
   * Parses {@code address/prefix}; a bare address is the block of that one address. The network must have no bits
   * set after the prefix (so a typo such as {@code 10.1.0.0/8} is caught rather than silently widened).
   *
   * @throws IllegalArgumentException saying what is wrong with the text
   */
  public static AddressBlock parse(String cidr) {
    int slash = cidr.indexOf('/');
    String address = slash < 0 ? cidr : cidr.substring(0, slash);
    byte[] network = literal(address)
        .orElseThrow(() -> new IllegalArgumentException("'" + address + "' is not an IPv4 or IPv6 address"));
    int bits = network.length * 8;
    int prefixLength = bits;
    if (slash >= 0) {
      String prefix = cidr.substring(slash + 1);
      if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > bits) {
        throw new IllegalArgumentException("the prefix length must be 0.." + bits + ", was '" + prefix + "'");
      }
      prefixLength = Integer.parseInt(prefix);
    }
    byte[] masked = masked(network, prefixLength);
    if (!Arrays.equals(masked, network)) {
      throw new IllegalArgumentException("bits are set after the /" + prefixLength + " prefix; the block is "
          + text(masked) + "/" + prefixLength);
    }
    return new AddressBlock(network, prefixLength);
  }

  public boolean contains(InetAddress address) {
    byte[] bytes = address.getAddress();
    return bytes.length == network.length && Arrays.equals(masked(bytes, prefixLength), network);
  }

  @Override
  public String toString() {
    return text(network) + "/" + prefixLength;
  }

  /**
   * The bytes of an IPv4 literal in dotted-quad form (four decimal numbers 0..255 without leading zeros) or of an
   * IPv6 literal (without brackets or zone); empty for anything else, including the other forms some resolvers read
   * as IPv4 ({@code 2130706433}, {@code 127.1}, {@code 0x7f.0.0.1}, {@code 0177.0.0.1}).
   */
  static Optional<byte[]> literal(String text) {
    if (text.indexOf(':') >= 0) {
      if (text.indexOf('%') >= 0 || text.indexOf('[') >= 0 || text.indexOf(']') >= 0) {
        return Optional.empty();
      }
      try {
        // Brackets make the JDK treat the text as an IPv6 literal only: an invalid one fails, it is never looked up.
        InetAddress parsed = InetAddress.getByName("[" + text + "]");
        // The JDK turns ::ffff:a.b.c.d into an IPv4 address; the text named an IPv6 one, so keep its 16 bytes.
        return Optional.of(parsed instanceof Inet4Address ? mapped(parsed.getAddress()) : parsed.getAddress());
      } catch (UnknownHostException | IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return Optional.empty();
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      if (!parts[i].matches("0|[1-9]\\d{0,2}") || Integer.parseInt(parts[i]) > 255) {
        return Optional.empty();
      }
      bytes[i] = (byte) Integer.parseInt(parts[i]);
    }
    return Optional.of(bytes);
  }

  /** The canonical text of an address: dotted quad, or IPv6 as RFC 5952 writes it (lower case, longest zero run as ::). */
  static String text(byte[] address) {
    if (address.length == 4) {
      return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (address[2 * i] & 0xff) << 8 | address[2 * i + 1] & 0xff;
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; i++) {
      int length = 0;
      while (i + length < 8 && groups[i + length] == 0) {
        length++;
      }
      if (length > bestLength) {
        bestStart = i;
        bestLength = length;
      }
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
      } else {
        if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
          out.append(':');
        }
        out.append(Integer.toHexString(groups[i]));
      }
    }
    return out.toString();
  }

  private static byte[] mapped(byte[] ipv4) {
    byte[] bytes = new byte[16];
    bytes[10] = (byte) 0xff;
    bytes[11] = (byte) 0xff;
    System.arraycopy(ipv4, 0, bytes, 12, 4);
    return bytes;
  }

  private static byte[] masked(byte[] address, int prefixLength) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, prefixLength - 8 * i));
      out[i] &= (byte) (0xff << (8 - keep));
    }
    return out;
  }
}
