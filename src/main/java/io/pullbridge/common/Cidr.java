package io.pullbridge.common;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/16}, {@code fd00::/8}). Parsing is strict: the
 * address must be a literal (never a host name, so nothing is ever looked up in DNS) and must not have host
 * bits set, because a CIDR such as {@code 10.0.0.5/16} is almost always a typo that would otherwise silently
 * widen or shift the range. {@link #toString()} gives the canonical form (RFC 5952 for IPv6).
 */
public final class Cidr {

    private static final int IPV4_BYTES = 4;
    private static final int IPV6_BYTES = 16;
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f.:]+");
    private static final byte[] MAPPED_PREFIX = mapped(new byte[IPV4_BYTES]);

    private final byte[] network;
    private final int prefixLength;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /**
     * Parses {@code text} such as {@code 10.0.0.0/16} or {@code fd00:10::/108}.
     *
     * @throws IllegalArgumentException with a message that tells the user what is wrong
     */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("must not be blank");
        }
        String value = text.strip();
        int slash = value.indexOf('/');
        if (slash < 0 || slash != value.lastIndexOf('/')) {
            throw new IllegalArgumentException("'" + value + "' is not a CIDR: write it as <address>/<prefix length>, "
                    + "e.g. 10.0.0.0/16 or fd00::/108");
        }
        String addressText = value.substring(0, slash);
        String prefixText = value.substring(slash + 1);
        byte[] address = parseBytes(addressText);
        if (address == null) {
            throw new IllegalArgumentException("'" + value + "' is not a CIDR: '" + addressText
                    + "' is not an IPv4 or IPv6 address");
        }
        int maxPrefix = address.length * 8;
        String family = address.length == IPV4_BYTES ? "IPv4" : "IPv6";
        if (!prefixText.matches("[0-9]{1,3}")) {
            throw new IllegalArgumentException("'" + value + "' is not a CIDR: the prefix length must be a number "
                    + "from 0 to " + maxPrefix + " for " + family);
        }
        int prefix = Integer.parseInt(prefixText);
        if (prefix > maxPrefix) {
            throw new IllegalArgumentException("prefix length /" + prefix + " of '" + value + "' is out of range: "
                    + family + " allows 0 to " + maxPrefix);
        }
        byte[] masked = mask(address, prefix);
        Cidr cidr = new Cidr(masked, prefix);
        if (!Arrays.equals(masked, address)) {
            throw new IllegalArgumentException(format(address) + "/" + prefix + " has host bits set; did you mean "
                    + cidr + "?");
        }
        return cidr;
    }

    /**
     * Parses an IPv4 ({@code 10.1.2.3}) or IPv6 ({@code fe80::1}, with or without brackets) literal without any
     * DNS lookup. IPv4 must be four decimal numbers without leading zeros: shorthand forms such as {@code 127.1},
     * {@code 0x7f.0.0.1} or {@code 2130706433} are refused, because other parsers read them differently (octal,
     * hex) and they are a classic way to smuggle a loopback address past a check. Zone ids ({@code %eth0}) are
     * refused. An IPv4-mapped IPv6 address ({@code ::ffff:127.0.0.1}) comes back as the {@link Inet4Address} it
     * reaches, as the JDK does, so IPv4 ranges apply to it.
     *
     * @throws IllegalArgumentException when {@code text} is not such a literal
     */
    public static InetAddress parseIpLiteral(String text) {
        String value = text == null ? "" : text.strip();
        if (value.length() > 2 && value.startsWith("[") && value.endsWith("]")) {
            value = value.substring(1, value.length() - 1);
        }
        byte[] bytes = parseBytes(value);
        if (bytes == null) {
            throw new IllegalArgumentException("'" + value + "' is not an IPv4 or IPv6 address");
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4- or 16-byte address was refused", e);
        }
    }

    /**
     * Whether {@code address} lies in this network. An IPv4 address is inside an IPv6 network when its
     * IPv4-mapped form ({@code ::ffff:a.b.c.d}) is.
     */
    public boolean contains(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] candidate = address.getAddress();
        if (candidate.length == IPV4_BYTES && network.length == IPV6_BYTES) {
            candidate = mapped(candidate);
        }
        if (candidate.length != network.length) {
            return false;
        }
        return Arrays.equals(mask(candidate, prefixLength), network);
    }

    public boolean isIpv4() {
        return network.length == IPV4_BYTES;
    }

    /** The network address (host bits all zero). Never an {@link Inet4Address} for an IPv6 network. */
    public InetAddress network() {
        return isIpv4() ? ipv4(network.clone()) : ipv6(network.clone());
    }

    public int prefixLength() {
        return prefixLength;
    }

    @Override
    public String toString() {
        return format(network) + "/" + prefixLength;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr that && prefixLength == that.prefixLength && Arrays.equals(network, that.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int bitsKept = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] = (byte) (masked[i] & (0xFF << (8 - bitsKept)));
        }
        return masked;
    }

    private static byte[] mapped(byte[] ipv4) {
        byte[] bytes = new byte[IPV6_BYTES];
        bytes[10] = (byte) 0xFF;
        bytes[11] = (byte) 0xFF;
        System.arraycopy(ipv4, 0, bytes, 12, IPV4_BYTES);
        return bytes;
    }

    /**
     * The address's bytes, or null when {@code text} is not a strict IPv4 or IPv6 literal. Guava refuses IPv4
     * shorthand (octal, hex, fewer than four parts, leading zeros) and never looks anything up; the characters are
     * checked first because it would take a zone id ({@code %eth0}) and digits of other scripts.
     */
    private static byte[] parseBytes(String text) {
        if (text == null || !LITERAL.matcher(text).matches() || !InetAddresses.isInetAddress(text)) {
            return null;
        }
        byte[] bytes = InetAddresses.forString(text).getAddress();
        // Guava, like the JDK, answers an IPv4-mapped IPv6 address with the IPv4 address it reaches.
        return bytes.length == IPV4_BYTES && text.indexOf(':') >= 0 ? mapped(bytes) : bytes;
    }

    /** Dotted decimal for IPv4; RFC 5952 for IPv6 (lower case, longest zero run compressed, mapped IPv4 dotted). */
    private static String format(byte[] address) {
        if (address.length == IPV4_BYTES) {
            return InetAddresses.toAddrString(ipv4(address));
        }
        boolean ipv4Mapped = Arrays.equals(address, 0, 12, MAPPED_PREFIX, 0, 12);
        return ipv4Mapped ? "::ffff:" + InetAddresses.toAddrString(ipv4(Arrays.copyOfRange(address, 12, 16)))
                : InetAddresses.toAddrString(ipv6(address));
    }

    private static InetAddress ipv4(byte[] address) {
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4-byte address was refused", e);
        }
    }

    private static Inet6Address ipv6(byte[] address) {
        try {
            return Inet6Address.getByAddress(null, address, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 16-byte address was refused", e);
        }
    }
}
