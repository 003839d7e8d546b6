package io.pullbridge.common;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CidrTests {

    @Test
    void parsesAnIpv4Network() {
        Cidr cidr = Cidr.parse("10.0.0.0/16");
        assertThat(cidr.isIpv4()).isTrue();
        assertThat(cidr.prefixLength()).isEqualTo(16);
        assertThat(cidr.network()).isInstanceOf(Inet4Address.class);
        assertThat(cidr.network().getHostAddress()).isEqualTo("10.0.0.0");
        assertThat(cidr).hasToString("10.0.0.0/16");
    }

    @Test
    void parsesAnIpv6NetworkAndPrintsItCanonically() {
        Cidr cidr = Cidr.parse("FD00:0010:0000:0000:0000:0000:0000:0000/108");
        assertThat(cidr.isIpv4()).isFalse();
        assertThat(cidr.prefixLength()).isEqualTo(108);
        assertThat(cidr.network()).isInstanceOf(Inet6Address.class);
        assertThat(cidr).hasToString("fd00:10::/108");
    }

    @ParameterizedTest
    @CsvSource({
            "0.0.0.0/0, 0.0.0.0/0",
            "192.168.1.7/32, 192.168.1.7/32",
            " 10.96.0.0/12 , 10.96.0.0/12",
            "::/0, ::/0",
            "::1/128, ::1/128",
            "fe80::/10, fe80::/10",
            "2001:db8:0:0:1:0:0:0/128, 2001:db8:0:0:1::/128",
            "2001:db8:0:0:0:1:0:0/128, 2001:db8::1:0:0/128",
            "2001:0:0:1:0:0:0:0/64, 2001:0:0:1::/64",
            "::ffff:10.0.0.0/104, ::ffff:10.0.0.0/104",
            "fd00:ec2::254/128, fd00:ec2::254/128",
            "1:2:3:4:5:6:7:8/128, 1:2:3:4:5:6:7:8/128",
            "1:0:3:4:5:6:7:0/128, 1:0:3:4:5:6:7:0/128"})
    void printsTheCanonicalForm(String text, String canonical) {
        assertThat(Cidr.parse(text)).hasToString(canonical);
        assertThat(Cidr.parse(canonical)).isEqualTo(Cidr.parse(text));
    }

    @Test
    void refusesHostBitsAndSuggestsTheNetwork() {
        assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse("10.0.0.5/16"))
                .withMessage("10.0.0.5/16 has host bits set; did you mean 10.0.0.0/16?");
        assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse("fd00::1/64"))
                .withMessage("fd00::1/64 has host bits set; did you mean fd00::/64?");
    }

    @Test
    void refusesAPrefixOutOfRange() {
        assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse("10.0.0.0/33"))
                .withMessageContaining("out of range").withMessageContaining("0 to 32");
        assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse("fd00::/129"))
                .withMessageContaining("out of range").withMessageContaining("0 to 128");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/1a", "10.0.0.0/16/8", "/16",
            "10.0.0/16", "10.0.0.256/32", "010.0.0.0/8", "0x0a.0.0.0/8", "example.com/16", "fd00::g/64",
            "1::2::3/64", "1:2:3:4:5:6:7:8:9/128", "fe80::1%eth0/64", "１0.0.0.0/8"})
    void refusesWhatIsNotACidr(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse(text)).withMessageContaining("not a CIDR");
    }

    @Test
    void refusesBlank() {
        assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse(" ")).withMessage("must not be blank");
        assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse(null)).withMessage("must not be blank");
    }

    @Test
    void containsTheAddressesOfItsNetwork() throws Exception {
        Cidr cidr = Cidr.parse("10.96.0.0/12");
        assertThat(cidr.contains(InetAddress.getByAddress(new byte[] {10, 96, 0, 1}))).isTrue();
        assertThat(cidr.contains(InetAddress.getByAddress(new byte[] {10, 111, (byte) 255, (byte) 255}))).isTrue();
        assertThat(cidr.contains(InetAddress.getByAddress(new byte[] {10, 112, 0, 0}))).isFalse();
        assertThat(cidr.contains(Cidr.parseIpLiteral("::ffff:10.96.0.1"))).isTrue();
        assertThat(cidr.contains(Cidr.parseIpLiteral("fd00::1"))).isFalse();
        assertThat(cidr.contains(null)).isFalse();

        Cidr linkLocal = Cidr.parse("fe80::/10");
        assertThat(linkLocal.contains(Cidr.parseIpLiteral("fe80::1"))).isTrue();
        assertThat(linkLocal.contains(Cidr.parseIpLiteral("febf:ffff::1"))).isTrue();
        assertThat(linkLocal.contains(Cidr.parseIpLiteral("fec0::1"))).isFalse();
        assertThat(linkLocal.contains(Cidr.parseIpLiteral("169.254.0.1"))).isFalse();

        assertThat(Cidr.parse("0.0.0.0/0").contains(Cidr.parseIpLiteral("203.0.113.9"))).isTrue();
        assertThat(Cidr.parse("::ffff:0.0.0.0/96").contains(Cidr.parseIpLiteral("127.0.0.1"))).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
            "10.1.2.3, 10.1.2.3",
            "0.0.0.0, 0.0.0.0",
            "255.255.255.255, 255.255.255.255",
            "::1, 0:0:0:0:0:0:0:1",
            "[::1], 0:0:0:0:0:0:0:1",
            "[FE80::1], fe80:0:0:0:0:0:0:1",
            "::, 0:0:0:0:0:0:0:0",
            "::ffff:127.0.0.1, 127.0.0.1",
            "64:ff9b::1.2.3.4, 64:ff9b:0:0:0:0:102:304"})
    void parsesIpLiterals(String text, String hostAddress) {
        assertThat(Cidr.parseIpLiteral(text).getHostAddress()).isEqualTo(hostAddress);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.com", "127.1", "2130706433", "0x7f.0.0.1", "0177.0.0.1",
            "127.0.0.01", "1.2.3.4.5", "1.2.3", "", " ", "[]", "[127.0.0.1", "fe80::1%eth0", "fe80::1%25eth0",
            "1.2.3.4::", ":1::2", "1::2:", "::ffff:1.2.3", "12345::1", "[::1]:443"})
    void refusesWhatIsNotAnIpLiteralWithoutLookingItUp(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parseIpLiteral(text));
    }

    @Test
    void refusesNull() {
        assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parseIpLiteral(null));
    }
}
