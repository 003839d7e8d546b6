package io.pullbridge.kubernetes;

import io.pullbridge.clusters.ClusterAccess;
import io.pullbridge.clusters.ClusterApi;
import io.pullbridge.clusters.ClusterCredentials;
import io.pullbridge.clusters.ClusterProblems;
import io.pullbridge.clusters.ClustersProperties;
import io.pullbridge.clusters.EntraTokenIssuer;
import io.pullbridge.clusters.EntraTokens;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.support.kube.EmulatedCluster;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import static io.pullbridge.kubernetes.KubernetesClusterApiTests.LOOPBACK_ALLOWED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Calls to an Entra-integrated API server carry PullBridge's token from {@link EntraTokens}; a 401 gets one fresh
 * token and one retry, never a loop, and a second refusal says what to grant.
 */
class KubernetesEntraAuthTests {

    private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final String SCOPE = ClustersProperties.Entra.AKS_SERVER_ID + "/.default";
    private static final String OBJECT_ID = "5d0b0c6e-1b7a-4c55-9a57-3c3c1d2b7f10";

    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final List<String> issued = new ArrayList<>();
    private EmulatedCluster cluster;
    private ClusterApi api;

    @BeforeEach
    void start() {
        cluster = EmulatedCluster.start("team-a")
                .authenticate(token -> accepted.contains(token) ? Optional.of(OBJECT_ID) : Optional.empty());
        EntraTokenIssuer issuer = (tenant, scope) -> {
            String token = "token-" + (issued.size() + 1) + "-for-" + tenant + "-" + scope;
            issued.add(token);
            return new EntraTokenIssuer.Token(token, Clock.systemUTC().instant().plus(Duration.ofHours(1)));
        };
        EntraTokens tokens = new EntraTokens(issuer, Clock.systemUTC(), new ClustersProperties(List.of("127.0.0.1"),
                List.of(), DataSize.ofMegabytes(1)));
        ClusterAccess access = ClusterAccess.entra(UUID.fromString(OBJECT_ID), TENANT, false);
        UUID clusterId = UUID.randomUUID();
        api = new KubernetesClients(KubernetesProperties.defaults(), LOOPBACK_ALLOWED, tokens).connect(
                new ClusterCredentials(clusterId, "v1", URI.create(cluster.url()),
                        Base64.getDecoder().decode(cluster.certificateAuthorityData()), false, null,
                        new ClusterCredentials.EntraToken(TENANT, SCOPE), access, access.grantAdvice(null, clusterId)));
        cluster.clearRequests();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void signsEachCallWithTheTokenForTheServerApplicationInTheClustersTenant() {
        accepted.add("token-1-for-" + TENANT + "-" + SCOPE);
        assertThat(api.serverVersion()).isEqualTo("v1.33.2");
        assertThat(api.namespaces(null)).isNotEmpty();
        assertThat(issued).hasSize(1);
        assertThat(cluster.requests()).containsExactly("GET /version", "GET /api/v1/namespaces?limit=500");
    }

    @Test
    void aRefusedTokenIsReplacedOnceAndTheCallRetriedOnce() {
        accepted.add("token-2-for-" + TENANT + "-" + SCOPE);
        assertThat(api.serverVersion()).isEqualTo("v1.33.2");
        assertThat(cluster.requests()).containsExactly("GET /version", "GET /version");
        assertThat(issued).hasSize(2);

        cluster.clearRequests();
        assertThat(api.serverVersion()).as("the fresh token is kept").isEqualTo("v1.33.2");
        assertThat(cluster.requests()).containsExactly("GET /version");
    }

    @Test
    void aServerThatRefusesEveryTokenIsAskedTwiceAndTheProblemSaysWhatToGrant() {
        JobFailure refused = catchThrowableOfType(JobFailure.class, () -> api.serverVersion());
        assertThat(ClusterProblems.is(refused, ClusterProblems.CREDENTIALS_REFUSED)).isTrue();
        assertThat(cluster.requests()).containsExactly("GET /version", "GET /version");
        assertThat(issued).hasSize(2);
        assertThat(refused.problem().detail()).contains("refused PullBridge's Entra token, and a fresh one")
                .contains("Kubernetes RBAC authorizes on this cluster")
                .contains("ClusterRoleBinding to the User " + OBJECT_ID)
                .doesNotContain("token-1").doesNotContain("token-2");
    }

    @Test
    void aForbiddenCallNamesTheVerbAndTheGrant() {
        accepted.add("token-1-for-" + TENANT + "-" + SCOPE);
        cluster.forbid("list", "namespaces", null);
        JobFailure denied = catchThrowableOfType(JobFailure.class, () -> api.namespaces(null));
        assertThat(ClusterProblems.is(denied, ClusterProblems.FORBIDDEN)).isTrue();
        assertThat(denied.problem().detail())
                .contains("PullBridge's user " + OBJECT_ID + " may not list namespaces (API group core) at the "
                        + "cluster scope")
                .contains("apply the ClusterRole \"pullbridge\" and its ClusterRoleBinding to the User " + OBJECT_ID);
        assertThat(issued).as("a 403 is not a reason for a new token").hasSize(1);
    }
}
