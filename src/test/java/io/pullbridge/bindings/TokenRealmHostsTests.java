package io.pullbridge.bindings;

import io.pullbridge.common.AzureProperties;
import io.pullbridge.registry.RegistryDestinations;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static io.pullbridge.registry.HandshakeAssertions.loopbackPolicy;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code pullbridge.bindings.token-realm-hosts}: its default follows the cloud, an operator's list replaces it. */
class TokenRealmHostsTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({BindingsProperties.class, AzureProperties.class})
    static class Config {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Config.class);

    @Test
    void unsetItIsTheConfiguredCloudsRegistryDomain() {
        runner.run(context -> assertThat(destinations(context.getBean(BindingsProperties.class),
                context.getBean(AzureProperties.class)).realmHosts()).containsExactly("*.azurecr.io"));
        runner.withPropertyValues("pullbridge.azure.cloud=AzureChinaCloud").run(context -> assertThat(destinations(
                context.getBean(BindingsProperties.class), context.getBean(AzureProperties.class)).realmHosts())
                .containsExactly("*.azurecr.cn"));
        runner.withPropertyValues("pullbridge.azure.cloud=AzureUSGovernment").run(context -> assertThat(destinations(
                context.getBean(BindingsProperties.class), context.getBean(AzureProperties.class)).realmHosts())
                .containsExactly("*.azurecr.us"));
        runner.withPropertyValues("pullbridge.azure.cloud=custom",
                        "pullbridge.azure.endpoints.registry-suffix=registry.contoso.example")
                .run(context -> assertThat(destinations(context.getBean(BindingsProperties.class),
                        context.getBean(AzureProperties.class)).realmHosts())
                        .containsExactly("*.registry.contoso.example"));
    }

    @Test
    void setItReplacesTheDefaultAndEmptyItAllowsOnlyTheRegistryItself() {
        runner.withPropertyValues("pullbridge.bindings.token-realm-hosts=*.azurecr.io, auth.contoso.example")
                .run(context -> {
                    RegistryDestinations destinations = destinations(context.getBean(BindingsProperties.class),
                            context.getBean(AzureProperties.class));
                    assertThat(destinations.realmHosts()).containsExactly("*.azurecr.io", "auth.contoso.example");
                    assertThat(destinations.realmRefusal("myacr.azurecr.io", "auth.contoso.example")).isEmpty();
                });
        runner.withPropertyValues("pullbridge.bindings.token-realm-hosts=").run(context -> {
            RegistryDestinations destinations = destinations(context.getBean(BindingsProperties.class),
                    context.getBean(AzureProperties.class));
            assertThat(destinations.realmHosts()).isEmpty();
            assertThat(destinations.realmRefusal("myacr.azurecr.io", "myacr.azurecr.io")).isEmpty();
            assertThat(destinations.realmRefusal("myacr.azurecr.io", "other.azurecr.io")).isPresent();
        });
    }

    @Test
    void refusesToStartWithAnEntryThatIsNoHost() {
        runner.withPropertyValues("pullbridge.bindings.token-realm-hosts=*.azurecr.io,https://evil.example/token")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("pullbridge.bindings.token-realm-hosts[1] 'https://evil.example/token'"));
    }

    private static RegistryDestinations destinations(BindingsProperties properties, AzureProperties azure) {
        return RegistryDestinations.of(loopbackPolicy(), properties.tokenRealmHosts(), azure);
    }
}
