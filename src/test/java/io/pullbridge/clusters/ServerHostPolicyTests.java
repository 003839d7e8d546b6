package io.pullbridge.clusters;

import io.pullbridge.common.Cidr;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ServerHostPolicyTests {

    private final ServerHostPolicy defaults = new ServerHostPolicy(ClustersProperties.defaults());

    private static ServerHostPolicy policy(List<String> allowed, List<String> denied) {
        return new ServerHostPolicy(new ClustersProperties(allowed, denied, DataSize.ofMegabytes(1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.1.2.3", "api.example.com", "prod-weu-dns-1a2b3c.hcp.westeurope.azmk8s.io",
            "[2001:db8::1]", "[fd00::1]", "192.168.0.10", "172.16.0.1", "100.100.100.201", "169.255.0.1",
            "128.0.0.1", "localhostx", "notlocalhost", "localhost.example.com", "metadata.example.com", "[fec0::1]"})
    void acceptsOrdinaryHosts(String host) {
        assertThatCode(() -> defaults.check(host)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "127.255.255.254", "[::1]", "[0:0:0:0:0:0:0:1]",
            "localhost", "LOCALHOST", "LocalHost", "localhost.", "api.localhost", "API.LOCALHOST.",
            "[::ffff:127.0.0.1]", "localhost.localdomain", "ip6-localhost"})
    void refusesLoopback(String host) {
        assertThatIllegalArgumentException().isThrownBy(() -> defaults.check(host))
                .withMessage("server host " + host + " is a loopback address" + ServerHostPolicy.ALLOW_HINT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"169.254.0.1", "169.254.255.255", "[fe80::1]", "[FE80::1]", "[febf::1]",
            "[::ffff:169.254.1.1]"})
    void refusesLinkLocal(String host) {
        assertThatIllegalArgumentException().isThrownBy(() -> defaults.check(host))
                .withMessage("server host " + host + " is a link-local address" + ServerHostPolicy.ALLOW_HINT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "0.1.2.3", "[::]", "[0:0:0:0:0:0:0:0]"})
    void refusesUnspecified(String host) {
        assertThatIllegalArgumentException().isThrownBy(() -> defaults.check(host))
                .withMessage("server host " + host + " is an unspecified address" + ServerHostPolicy.ALLOW_HINT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"169.254.169.254", "[fd00:ec2::254]", "[FD00:EC2:0:0:0:0:0:254]", "100.100.100.200",
            "168.63.129.16", "metadata", "METADATA", "metadata.", "metadata.google.internal",
            "Metadata.Google.Internal.", "metadata.azure.internal", "[::ffff:169.254.169.254]"})
    void refusesCloudMetadataEndpoints(String host) {
        assertThatIllegalArgumentException().isThrownBy(() -> defaults.check(host))
                .withMessage("server host " + host + " is a cloud metadata endpoint" + ServerHostPolicy.ALLOW_HINT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.1", "2130706433", "0x7f.0.0.1", "0177.0.0.1", "127.0.0.01", "10.0.0.1.2",
            "1.2.3.0x4", "0x7f000001"})
    void refusesNumberFormsThatOtherParsersReadAsIpv4(String host) {
        assertThatIllegalArgumentException().isThrownBy(() -> defaults.check(host))
                .withMessageStartingWith("server host " + host + " is not a valid host name or IP address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[fe80::1%25eth0]", "[::1", "[not-an-address]", "[1::2::3]"})
    void refusesMalformedIpv6(String host) {
        assertThatIllegalArgumentException().isThrownBy(() -> defaults.check(host))
                .withMessage("server host " + host + " is not a valid IPv6 address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void refusesAnEmptyHost(String host) {
        assertThatIllegalArgumentException().isThrownBy(() -> defaults.check(host)).withMessage("server has no host");
    }

    @Test
    void allowedHostsLetALoopbackAddressThroughByAddress() {
        ServerHostPolicy policy = policy(List.of("127.0.0.1"), List.of());
        assertThatCode(() -> policy.check("127.0.0.1")).doesNotThrowAnyException();
        assertThatCode(() -> policy.check("[::ffff:127.0.0.1]")).doesNotThrowAnyException();
        assertThatIllegalArgumentException().isThrownBy(() -> policy.check("127.0.0.2"));
        // No DNS: allowing the address does not allow a name that might resolve to it.
        assertThatIllegalArgumentException().isThrownBy(() -> policy.check("localhost"));
    }

    @Test
    void allowedHostsLetAHostNameThrough() {
        ServerHostPolicy policy = policy(List.of("LocalHost."), List.of());
        assertThatCode(() -> policy.check("localhost")).doesNotThrowAnyException();
        assertThatCode(() -> policy.check("LOCALHOST.")).doesNotThrowAnyException();
        assertThatIllegalArgumentException().isThrownBy(() -> policy.check("api.localhost"));
        assertThatIllegalArgumentException().isThrownBy(() -> policy.check("127.0.0.1"));
    }

    @Test
    void allowedHostsLetADomainWildcardThrough() {
        ServerHostPolicy policy = policy(List.of("*.localhost"), List.of());
        assertThatCode(() -> policy.check("kind.localhost")).doesNotThrowAnyException();
        assertThatIllegalArgumentException().isThrownBy(() -> policy.check("localhost"));
    }

    @Test
    void allowedHostsLetANetworkThrough() {
        ServerHostPolicy policy = policy(List.of("169.254.0.0/16", "fe80::/10"), List.of());
        assertThatCode(() -> policy.check("169.254.10.20")).doesNotThrowAnyException();
        assertThatCode(() -> policy.check("169.254.169.254")).doesNotThrowAnyException();
        assertThatCode(() -> policy.check("[fe80::1]")).doesNotThrowAnyException();
        assertThatIllegalArgumentException().isThrownBy(() -> policy.check("127.0.0.1"));
        assertThatIllegalArgumentException().isThrownBy(() -> policy.check("[::1]"));
    }

    @Test
    void allowedHostsLetAnIpv6LoopbackThrough() {
        ServerHostPolicy policy = policy(List.of("[::1]"), List.of());
        assertThatCode(() -> policy.check("[::1]")).doesNotThrowAnyException();
        assertThatIllegalArgumentException().isThrownBy(() -> policy.check("127.0.0.1"));
    }

    @Test
    void deniedHostsRefuseMoreHostsAndNothingOverridesThem() {
        ServerHostPolicy policy = policy(List.of("10.0.0.0/8", "api.internal.example", "127.0.0.1"),
                List.of("10.20.0.0/16", "*.internal.example", "evil.example.com", "127.0.0.1"));
        assertThatCode(() -> policy.check("10.1.2.3")).doesNotThrowAnyException();
        assertThatIllegalArgumentException().isThrownBy(() -> policy.check("10.20.1.1"))
                .withMessage("server host 10.20.1.1 is refused by pullbridge.clusters.denied-hosts");
        assertThatIllegalArgumentException().isThrownBy(() -> policy.check("api.internal.example"))
                .withMessageContaining("denied-hosts");
        assertThatIllegalArgumentException().isThrownBy(() -> policy.check("EVIL.example.com."))
                .withMessageContaining("denied-hosts");
        assertThatIllegalArgumentException().isThrownBy(() -> policy.check("127.0.0.1"))
                .withMessageContaining("denied-hosts");
        assertThatCode(() -> policy.check("example.com")).doesNotThrowAnyException();
    }

    @Test
    void checksTheAddressAHostResolvedToWhenConnecting() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> defaults.checkResolved("127.0.0.1.nip.io", Cidr.parseIpLiteral("127.0.0.1")))
                .withMessage("server host 127.0.0.1.nip.io (127.0.0.1) is a loopback address"
                        + ServerHostPolicy.ALLOW_HINT);
        assertThatCode(() -> defaults.checkResolved("api.example.com", Cidr.parseIpLiteral("203.0.113.10")))
                .doesNotThrowAnyException();

        ServerHostPolicy byName = policy(List.of("kind-control-plane"), List.of("10.66.0.0/16"));
        assertThatCode(() -> byName.checkResolved("kind-control-plane", Cidr.parseIpLiteral("127.0.0.1")))
                .doesNotThrowAnyException();
        assertThatIllegalArgumentException()
                .isThrownBy(() -> byName.checkResolved("kind-control-plane", Cidr.parseIpLiteral("10.66.0.1")))
                .withMessageContaining("denied-hosts");
    }

    @Test
    void refusesAConfigurationEntryThatIsNoHost() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ClustersProperties(List.of("10.0.0.0/8", "not a host"), List.of(),
                        DataSize.ofMegabytes(1)))
                .withMessage("pullbridge.clusters.allowed-hosts[1] 'not a host' is neither a host name, a *.domain "
                        + "wildcard, an IP address nor a CIDR");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ClustersProperties(List.of(), List.of("10.0.0.1/8"), DataSize.ofMegabytes(1)))
                .withMessageStartingWith("pullbridge.clusters.denied-hosts[0] '10.0.0.1/8' is not a valid CIDR")
                .withMessageContaining("did you mean 10.0.0.0/8?");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ClustersProperties(List.of("127.1"), List.of(), DataSize.ofMegabytes(1)))
                .withMessageStartingWith("pullbridge.clusters.allowed-hosts[0] '127.1' is neither");
    }

    @Test
    void refusesAKubeconfigSizeLimitOutOfBounds() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ClustersProperties(List.of(), List.of(), DataSize.ofBytes(10)))
                .withMessageContaining("max-kubeconfig-bytes");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ClustersProperties(List.of(), List.of(), DataSize.ofMegabytes(64)))
                .withMessageContaining("max-kubeconfig-bytes");
        assertThat(ClustersProperties.defaults().maxKubeconfigBytes()).isEqualTo(DataSize.ofMegabytes(1));
    }
}
