package io.pullbridge.common;

import io.pullbridge.common.ArmResourceId.ResourceType;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ArmResourceIdTests {

    private static final String SUBSCRIPTION = "1d3c5a4b-0000-4000-8000-000000000001";
    private static final String CANONICAL = "/subscriptions/" + SUBSCRIPTION
            + "/resourceGroups/rg-shared/providers/Microsoft.ContainerRegistry/registries/contosoacr";

    private static String registry(String resourceGroup, String name) {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.ContainerRegistry/registries/" + name;
    }

    @Test
    void parsesARegistryIdIntoItsParts() {
        ArmResourceId id = ArmResourceId.parse(CANONICAL, ResourceType.CONTAINER_REGISTRY);

        assertThat(id.subscriptionId()).isEqualTo(UUID.fromString(SUBSCRIPTION));
        assertThat(id.resourceGroup()).isEqualTo("rg-shared");
        assertThat(id.type()).isEqualTo(ResourceType.CONTAINER_REGISTRY);
        assertThat(id.name()).isEqualTo("contosoacr");
        assertThat(id).hasToString(CANONICAL);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/SUBSCRIPTIONS/1D3C5A4B-0000-4000-8000-000000000001/RESOURCEGROUPS/rg-shared/PROVIDERS/MICROSOFT.CONTAINERREGISTRY/REGISTRIES/contosoacr",
            "/subscriptions/1d3c5a4b-0000-4000-8000-000000000001/resourcegroups/rg-shared/providers/microsoft.containerregistry/registries/contosoacr",
            "/Subscriptions/1d3c5a4b-0000-4000-8000-000000000001/ResourceGroups/rg-shared/Providers/Microsoft.ContainerRegistry/Registries/contosoacr",
            "  /subscriptions/1d3c5a4b-0000-4000-8000-000000000001/resourceGroups/rg-shared/providers/Microsoft.ContainerRegistry/registries/contosoacr  "
    })
    void readsKeywordsAndProviderCaseInsensitivelyAndWritesTheCanonicalSpelling(String raw) {
        assertThat(ArmResourceId.parse(raw, ResourceType.CONTAINER_REGISTRY)).hasToString(CANONICAL);
    }

    @Test
    void keepsTheSpellingOfTheResourceGroupAndName() {
        ArmResourceId id = ArmResourceId.parse(registry("RG-Shared", "ContosoAcr"), ResourceType.CONTAINER_REGISTRY);

        assertThat(id.resourceGroup()).isEqualTo("RG-Shared");
        assertThat(id.name()).isEqualTo("ContosoAcr");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rg", "a", "rg.with.periods", "rg_(test)-1", "grupo-producción", "x"})
    void acceptsResourceGroupsAzureAccepts(String resourceGroup) {
        assertThat(ArmResourceId.parse(registry(resourceGroup, "contosoacr"), ResourceType.CONTAINER_REGISTRY)
                .resourceGroup()).isEqualTo(resourceGroup);
    }

    @Test
    void acceptsAResourceGroupOf90Characters() {
        String ninety = "r".repeat(90);
        assertThat(ArmResourceId.parse(registry(ninety, "contosoacr"), ResourceType.CONTAINER_REGISTRY)
                .resourceGroup()).hasSize(90);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rg.", "rg-shared.", "rg with space", "rg#1", "rg*", "rg,1"})
    void refusesResourceGroupsAzureRefuses(String resourceGroup) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ArmResourceId.parse(registry(resourceGroup, "contosoacr"),
                        ResourceType.CONTAINER_REGISTRY))
                .withMessageContaining("resource group")
                .withMessageContaining("must not end with a period");
    }

    @Test
    void refusesAResourceGroupOf91Characters() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ArmResourceId.parse(registry("r".repeat(91), "contosoacr"),
                        ResourceType.CONTAINER_REGISTRY))
                .withMessageContaining("resource group")
                .withMessageContaining("1 to 90");
    }

    @Test
    void refusesAnEmptyResourceGroup() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ArmResourceId.parse(registry("", "contosoacr"), ResourceType.CONTAINER_REGISTRY))
                .withMessageContaining("resource group");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-a-guid", "1d3c5a4b000040008000000000000001", "1-1-1-1-1",
            "1d3c5a4b-0000-4000-8000-00000000000g", "{1d3c5a4b-0000-4000-8000-000000000001}"})
    void refusesASubscriptionThatIsNotAGuid(String subscription) {
        String raw = "/subscriptions/" + subscription
                + "/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contosoacr";
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ArmResourceId.parse(raw, ResourceType.CONTAINER_REGISTRY))
                .withMessageContaining("is not a GUID");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/subscriptions/1d3c5a4b-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/contosoacr",
            "/subscriptions/1d3c5a4b-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerRegistry/tokens/contosoacr",
            "/subscriptions/1d3c5a4b-0000-4000-8000-000000000001/resourceGroups/rg/providers/Contoso.ContainerRegistry/registries/contosoacr"
    })
    void refusesAnotherProviderOrType(String raw) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ArmResourceId.parse(raw, ResourceType.CONTAINER_REGISTRY))
                .withMessageContaining("must name a Microsoft.ContainerRegistry/registries resource");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "   ",
            "contosoacr",
            "subscriptions/1d3c5a4b-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contosoacr",
            "/subscriptions/1d3c5a4b-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contosoacr/",
            "/subscriptions/1d3c5a4b-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries",
            "/subscriptions/1d3c5a4b-0000-4000-8000-000000000001/resource-groups/rg/providers/Microsoft.ContainerRegistry/registries/contosoacr",
            "/subscriptions/1d3c5a4b-0000-4000-8000-000000000001/resourceGroups/rg/provider/Microsoft.ContainerRegistry/registries/contosoacr"
    })
    void refusesIdsThatDoNotHaveTheArmShape(String raw) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ArmResourceId.parse(raw, ResourceType.CONTAINER_REGISTRY));
    }

    @Test
    void refusesNull() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ArmResourceId.parse(null, ResourceType.CONTAINER_REGISTRY))
                .withMessage("must not be blank");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abcde", "ACR01", "a1b2c3d4e5f6g7h8i9j0a1b2c3d4e5f6g7h8i9j0a1b2c3d4e5"})
    void acceptsRegistryNamesOf5To50LettersAndDigits(String name) {
        assertThat(ArmResourceId.parse(registry("rg", name), ResourceType.CONTAINER_REGISTRY).name()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abcd", "a1b2c3d4e5f6g7h8i9j0a1b2c3d4e5f6g7h8i9j0a1b2c3d4e5x", "contoso-acr", "contoso_acr",
            "contoso.acr", "contosoäcr"})
    void refusesRegistryNamesAcrRefuses(String name) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ArmResourceId.parse(registry("rg", name), ResourceType.CONTAINER_REGISTRY))
                .withMessageContaining("5 to 50 letters and digits");
    }

    @Test
    void parsesManagedAndConnectedClusterIds() {
        ArmResourceId aks = ArmResourceId.parse("/subscriptions/" + SUBSCRIPTION
                + "/resourcegroups/rg-aks/providers/microsoft.containerservice/managedclusters/aks_prod-1",
                ResourceType.MANAGED_CLUSTER);
        ArmResourceId arc = ArmResourceId.parse("/subscriptions/" + SUBSCRIPTION
                + "/resourceGroups/rg-arc/providers/Microsoft.Kubernetes/connectedClusters/edge.site-1",
                ResourceType.CONNECTED_CLUSTER);

        assertThat(aks).hasToString("/subscriptions/" + SUBSCRIPTION
                + "/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks_prod-1");
        assertThat(arc.name()).isEqualTo("edge.site-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-aks", "aks-", "a.b",
            "x234567890123456789012345678901234567890123456789012345678901234"})
    void refusesManagedClusterNamesAksRefuses(String name) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ArmResourceId.parse("/subscriptions/" + SUBSCRIPTION
                        + "/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/" + name,
                        ResourceType.MANAGED_CLUSTER))
                .withMessageContaining("1 to 63");
    }

    @Test
    void idsParsedFromDifferentSpellingsAreEqual() {
        ArmResourceId lower = ArmResourceId.parse(CANONICAL.toLowerCase(), ResourceType.CONTAINER_REGISTRY);
        ArmResourceId canonical = ArmResourceId.parse(CANONICAL, ResourceType.CONTAINER_REGISTRY);

        assertThat(lower).isEqualTo(canonical);
    }
}
