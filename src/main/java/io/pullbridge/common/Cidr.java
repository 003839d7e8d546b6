package io.pullbridge.common;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Placeholder until the clusters branch lands its full implementation. */
public record Cidr(InetAddress network, int prefixLength) {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    public static Cidr parse(String text) {
        String[] parts = text.split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR");
        }
        InetAddress address = parseIpLiteral(parts[0]);
        int prefix = Integer.parseInt(parts[1]);
        return new Cidr(address, prefix);
    }

    public static InetAddress parseIpLiteral(String text) {
        if (text == null || !IPV4.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
    }

    public boolean contains(InetAddress address) {
        BigInteger mask = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE.shiftLeft(32 - prefixLength));
        return new BigInteger(1, address.getAddress()).and(mask).equals(new BigInteger(1, network.getAddress()));
    }

    public boolean isIpv4() {
        return true;
    }
}
