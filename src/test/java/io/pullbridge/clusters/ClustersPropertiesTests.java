package io.pullbridge.clusters;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

class ClustersPropertiesTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ClustersProperties.class)
    static class Config {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Config.class);

    @Test
    void defaultsToNoExtraHostsAndOneMegabyte() {
        runner.run(context -> assertThat(context.getBean(ClustersProperties.class))
                .isEqualTo(new ClustersProperties(List.of(), List.of(), DataSize.ofMegabytes(1))));
    }

    @Test
    void bindsCommaSeparatedListsAsOperatorsWriteThemInTheEnvironment() {
        runner.withPropertyValues("pullbridge.clusters.allowed-hosts=127.0.0.1, 10.0.0.0/8,kind-control-plane",
                        "pullbridge.clusters.denied-hosts=*.internal.example",
                        "pullbridge.clusters.max-kubeconfig-bytes=64KB")
                .run(context -> {
                    ClustersProperties properties = context.getBean(ClustersProperties.class);
                    assertThat(properties.allowedHosts()).containsExactly("127.0.0.1", "10.0.0.0/8", "kind-control-plane");
                    assertThat(properties.deniedHosts()).containsExactly("*.internal.example");
                    assertThat(properties.maxKubeconfigBytes()).isEqualTo(DataSize.ofKilobytes(64));
                });
    }

    @Test
    void refusesToStartWithAnEntryThatIsNoHost() {
        runner.withPropertyValues("pullbridge.clusters.allowed-hosts=10.0.0.0/8,10.1.2.3/8")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("pullbridge.clusters.allowed-hosts[1] '10.1.2.3/8' is not a valid CIDR"));
    }
}
