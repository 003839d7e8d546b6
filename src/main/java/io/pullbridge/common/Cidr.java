package io.pullbridge.common;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/16}, {@code fd00::/8}). Parsing is strict: the
 * address must be a literal (never a host name, so nothing is ever looked up in DNS) and must not have host
 * bits set, because a CIDR such as {@code 10.0.0.5/16} is almost always a typo that would otherwise silently
 * widen or shift the range. {@link #toString()} gives the canonical form (RFC 5952 for IPv6).
 */
public final class Cidr {

    private static final int IPV4_BYTES = 4;
    private static final int IPV6_BYTES = 16;

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
        try {
            return isIpv4() ? InetAddress.getByAddress(network.clone())
                    : Inet6Address.getByAddress(null, network.clone(), -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4- or 16-byte address was refused", e);
        }
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

    /** The address's bytes, or null when {@code text} is not a strict IPv4 or IPv6 literal. */
    private static byte[] parseBytes(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        return text.indexOf(':') >= 0 ? parseIpv6(text) : parseIpv4(text);
    }

    private static byte[] parseIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[IPV4_BYTES];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (part.length() > 1 && part.charAt(0) == '0')) {
                return null;
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    private static byte[] parseIpv6(String text) {
        if (text.length() > 45) {
            return null;
        }
        int doubleColon = text.indexOf("::");
        if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
            return null;
        }
        String head = doubleColon >= 0 ? text.substring(0, doubleColon) : text;
        String tail = doubleColon >= 0 ? text.substring(doubleColon + 2) : "";
        int[] headGroups = groups(head, doubleColon < 0);
        int[] tailGroups = groups(tail, true);
        if (headGroups == null || tailGroups == null) {
            return null;
        }
        int explicit = headGroups.length + tailGroups.length;
        if (doubleColon < 0 ? explicit != 8 : explicit > 7) {
            return null;
        }
        int[] all = new int[8];
        System.arraycopy(headGroups, 0, all, 0, headGroups.length);
        System.arraycopy(tailGroups, 0, all, 8 - tailGroups.length, tailGroups.length);
        byte[] bytes = new byte[IPV6_BYTES];
        for (int i = 0; i < 8; i++) {
            bytes[2 * i] = (byte) (all[i] >> 8);
            bytes[2 * i + 1] = (byte) all[i];
        }
        return bytes;
    }

    /**
     * The 16-bit groups of a colon-separated run; an embedded IPv4 address is allowed as the last element when
     * {@code last} says this run ends the address.
     */
    private static int[] groups(String run, boolean last) {
        if (run.isEmpty()) {
            return new int[0];
        }
        String[] parts = run.split(":", -1);
        int[] groups = new int[parts.length * 2];
        int count = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (last && i == parts.length - 1 && part.indexOf('.') >= 0) {
                byte[] ipv4 = parseIpv4(part);
                if (ipv4 == null) {
                    return null;
                }
                groups[count++] = ((ipv4[0] & 0xFF) << 8) | (ipv4[1] & 0xFF);
                groups[count++] = ((ipv4[2] & 0xFF) << 8) | (ipv4[3] & 0xFF);
                continue;
            }
            if (part.isEmpty() || part.length() > 4) {
                return null;
            }
            int value = 0;
            for (int j = 0; j < part.length(); j++) {
                char c = part.charAt(j);
                boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
                if (!hex) {
                    return null;
                }
                value = value * 16 + Character.digit(c, 16);
            }
            groups[count++] = value;
        }
        return Arrays.copyOf(groups, count);
    }

    /** Dotted decimal for IPv4; RFC 5952 for IPv6 (lower case, longest zero run compressed, mapped IPv4 dotted). */
    private static String format(byte[] address) {
        if (address.length == IPV4_BYTES) {
            return (address[0] & 0xFF) + "." + (address[1] & 0xFF) + "." + (address[2] & 0xFF) + "."
                    + (address[3] & 0xFF);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xFF) << 8) | (address[2 * i + 1] & 0xFF);
        }
        boolean ipv4Mapped = groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0
                && groups[4] == 0 && groups[5] == 0xFFFF;
        int hexGroups = ipv4Mapped ? 6 : 8;
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < hexGroups; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < hexGroups && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < hexGroups; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        if (ipv4Mapped) {
            if (text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(address[12] & 0xFF).append('.').append(address[13] & 0xFF).append('.')
                    .append(address[14] & 0xFF).append('.').append(address[15] & 0xFF);
        }
        return text.toString().toLowerCase(Locale.ROOT);
    }
}
