package io.pullbridge.clusters;

import io.pullbridge.common.Cidr;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A list of hosts as operators write them: exact host names, {@code *.domain} wildcards, IP addresses and
 * CIDRs. Names only ever match names and networks only match literal addresses.
 */
public final class HostList {

    private static final Pattern HOST_NAME = Pattern.compile(
            "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*");
    // The last label of a name decides whether URL parsers read it as an IPv4 number (WHATWG URL, inet_aton).
    private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0x[0-9a-f]*");

    private final Set<String> names;
    private final List<String> suffixes;
    private final List<Cidr> networks;

    private HostList(Set<String> names, List<String> suffixes, List<Cidr> networks) {
        this.names = names;
        this.suffixes = suffixes;
        this.networks = networks;
    }

    /**
     * @param property the configuration property the entries come from, named in errors
     * @throws IllegalArgumentException naming the first entry that is neither a host name, an IP nor a CIDR
     */
    public static HostList parse(String property, List<String> entries) {
        Set<String> names = new LinkedHashSet<>();
        List<String> suffixes = new ArrayList<>();
        List<Cidr> networks = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String raw = entries.get(i) == null ? "" : entries.get(i).strip();
            String where = property + "[" + i + "] '" + raw + "'";
            if (raw.contains("/")) {
                try {
                    networks.add(Cidr.parse(raw));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + " is not a valid CIDR: " + e.getMessage());
                }
                continue;
            }
            InetAddress address = literal(raw);
            if (address != null) {
                networks.add(single(address));
                continue;
            }
            String name = normalizeName(raw);
            if (name.startsWith("*.") && isHostName(name.substring(2))) {
                suffixes.add(name.substring(1));
            } else if (isHostName(name)) {
                names.add(name);
            } else {
                throw new IllegalArgumentException(where + " is neither a host name, a *.domain wildcard, an IP "
                        + "address nor a CIDR");
            }
        }
        return new HostList(Set.copyOf(names), List.copyOf(suffixes), List.copyOf(networks));
    }

    /**
     * Whether a host as written in a URL is listed: an IP literal (brackets allowed) by the networks, a name (any case,
     * with or without its trailing dot) by the names and wildcards. Never resolves anything.
     */
    public boolean matches(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        InetAddress address = literal(host.strip());
        return address != null ? matchesAddress(address) : matchesName(normalizeName(host.strip()));
    }

    /** Whether the already normalized host name is listed, exactly or under a {@code *.} wildcard. */
    boolean matchesName(String name) {
        return names.contains(name) || suffixes.stream().anyMatch(name::endsWith);
    }

    boolean matchesAddress(InetAddress address) {
        return networks.stream().anyMatch(network -> network.contains(address));
    }

    /** Lower case, without the trailing dot of a fully qualified name ({@code localhost.}). */
    static String normalizeName(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** A DNS name that no parser could mistake for a number-form IPv4 address. */
    static boolean isHostName(String name) {
        if (name.isEmpty() || name.length() > 253 || !HOST_NAME.matcher(name).matches()) {
            return false;
        }
        return !NUMERIC_LABEL.matcher(name.substring(name.lastIndexOf('.') + 1)).matches();
    }

    /** The address of an IP literal (brackets allowed), or null when {@code text} is none. */
    static InetAddress literal(String text) {
        try {
            return Cidr.parseIpLiteral(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static Cidr single(InetAddress address) {
        String canonical = address.getHostAddress();
        return Cidr.parse(canonical + (address instanceof Inet4Address ? "/32" : "/128"));
    }
}
