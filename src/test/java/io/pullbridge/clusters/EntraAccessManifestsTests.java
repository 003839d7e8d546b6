package io.pullbridge.clusters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deploy files for what PullBridge's Entra identity needs inside clusters say exactly what it does there: the
 * ClusterRole is what the access-manifest endpoint serves, and the custom Azure role's data actions are its verbs.
 */
class EntraAccessManifestsTests {

    @Test
    void theDeployedClusterRoleIsTheAccessManifestWithAPlaceholderObjectId() throws IOException {
        String deployed = Files.readString(Path.of("deploy/kubernetes/pullbridge-clusterrole.yaml"));
        assertThat(deployed).isEqualTo(ClusterAccess.manifest("<pullbridge-object-id>"));

        List<Map<String, Object>> documents = new ArrayList<>();
        new Yaml().loadAll(deployed).forEach(document -> documents.add(cast(document)));
        assertThat(documents).extracting(document -> document.get("kind"))
                .containsExactly("ClusterRole", "ClusterRoleBinding");
        List<Map<String, Object>> rules = cast(documents.get(0).get("rules"));
        assertThat(rules).hasSize(ClusterAccess.RULES.size());
        for (int i = 0; i < rules.size(); i++) {
            assertThat(rules.get(i).get("apiGroups")).isEqualTo(List.of(ClusterAccess.RULES.get(i).group()));
            assertThat(rules.get(i).get("resources")).isEqualTo(List.of(ClusterAccess.RULES.get(i).resource()));
            assertThat(rules.get(i).get("verbs")).isEqualTo(ClusterAccess.RULES.get(i).verbs());
        }
        List<Map<String, Object>> subjects = cast(documents.get(1).get("subjects"));
        assertThat(subjects).singleElement().satisfies(subject -> {
            assertThat(subject.get("kind")).isEqualTo("User");
            assertThat(subject.get("name")).isEqualTo("<pullbridge-object-id>");
        });
    }

    @Test
    void theCustomAzureRoleAllowsExactlyTheDataActionsOfPullBridgesVerbs() throws IOException {
        JsonNode role = JsonMapper.builder().build().readTree(
                Files.readString(Path.of("deploy/azure/pullbridge-kubernetes-data-role.json")));
        assertThat(role.get("Name").asString()).isEqualTo(ClusterAccess.CUSTOM_ROLE);
        assertThat(role.get("Actions").isEmpty()).isTrue();
        Set<String> expected = new LinkedHashSet<>();
        for (String provider : List.of("Microsoft.ContainerService/managedClusters",
                "Microsoft.Kubernetes/connectedClusters")) {
            for (ClusterAccess.Rule rule : ClusterAccess.RULES) {
                if (rule.customResource() && provider.startsWith("Microsoft.Kubernetes/")) {
                    // Arc documents no data action for custom resources; README says to grant them with the ClusterRole.
                    continue;
                }
                for (String verb : rule.verbs()) {
                    String action = switch (verb) {
                        case "get", "list" -> "read";
                        case "create", "update", "patch" -> "write";
                        case "delete" -> "delete";
                        default -> throw new AssertionError("unmapped verb " + verb);
                    };
                    expected.add(provider + "/" + rule.dataActionPath() + "/" + action);
                }
            }
        }
        assertThat(role.get("DataActions").valueStream().map(JsonNode::asString).toList())
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }

    @Test
    void customResourcesAreGrantedAsAksDocumentsThemAndTheConditionNarrowsThemToAcrPullBindings() throws IOException {
        String role = Files.readString(Path.of("deploy/azure/pullbridge-kubernetes-data-role.json"));
        assertThat(role).doesNotContain("acrpull.microsoft.com/acrpullbindings/")
                .contains("\"Microsoft.ContainerService/managedClusters/customresources/write\"");
        String condition = Files.readString(Path.of("deploy/azure/pullbridge-kubernetes-data-role.condition.txt"));
        for (ClusterAccess.Rule rule : ClusterAccess.RULES.stream().filter(ClusterAccess.Rule::customResource)
                .toList()) {
            assertThat(condition).contains("customResources:group] StringEqualsIgnoreCase '" + rule.group() + "'")
                    .contains("customResources:kind] StringEqualsIgnoreCase '" + rule.resource() + "'");
        }
        for (String action : List.of("read", "write", "delete")) {
            assertThat(condition).contains("ActionMatches{'Microsoft.ContainerService/managedClusters/customresources/"
                    + action + "'}");
        }
    }

    @Test
    void theReadmesRbacListIsExactlyClusterAccessRules() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("- **RBAC** PullBridge's kubeconfig user needs");
        assertThat(start).as("README's Clusters section has its RBAC bullet").isPositive();
        String bullet = readme.substring(start, readme.indexOf("\n\n", start)).replaceAll("\\s+", " ");
        for (ClusterAccess.Rule rule : ClusterAccess.RULES) {
            String verbs = String.join(", ", rule.verbs().stream().map(verb -> "`" + verb + "`").toList());
            assertThat(bullet).as("the RBAC bullet lists %s", rule)
                    .contains(verbs + " " + rule.resource() + (rule.group().isEmpty() ? ""
                            : " (`" + rule.group() + "`"));
        }
    }
}
