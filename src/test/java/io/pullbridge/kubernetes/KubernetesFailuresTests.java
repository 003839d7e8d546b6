package io.pullbridge.kubernetes;

import io.pullbridge.clusters.ClusterApi;
import io.pullbridge.clusters.ClusterCredentials;
import io.pullbridge.clusters.ClusterProblems;
import io.pullbridge.clusters.ClustersProperties;
import io.pullbridge.clusters.ServerHostPolicy;
import io.pullbridge.jobs.FailureClass;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.support.kube.EmulatedCluster;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

import static io.pullbridge.kubernetes.KubernetesClusterApiTests.LOOPBACK_ALLOWED;
import static io.pullbridge.kubernetes.KubernetesClusterApiTests.credentials;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** How the adapter tells apart what can go wrong when talking to a cluster, each case provoked for real. */
class KubernetesFailuresTests {

    static EmulatedCluster cluster;
    static EmulatedCluster other;

    @BeforeAll
    static void start() {
        cluster = EmulatedCluster.start("team-a");
        other = EmulatedCluster.start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
        other.close();
    }

    private static JobFailure failure(Runnable call) {
        JobFailure failure = catchThrowableOfType(JobFailure.class, call::run);
        assertThat(failure).as("the call failed with a JobFailure").isNotNull();
        return failure;
    }

    @Test
    void aClosedPortIsUnreachableAndTransient() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        KubernetesClients clients = new KubernetesClients(KubernetesProperties.defaults(), LOOPBACK_ALLOWED);
        ClusterApi api = clients.connect(new ClusterCredentials(UUID.randomUUID(), "v1",
                URI.create("https://127.0.0.1:" + port), null, false, null, new ClusterCredentials.BearerToken("t")));
        JobFailure failure = failure(api::serverVersion);
        assertThat(ClusterProblems.is(failure, ClusterProblems.UNREACHABLE)).isTrue();
        assertThat(failure.problem().failureClass()).isEqualTo(FailureClass.TRANSIENT);
        assertThat(failure.problem().detail()).isEqualTo("The API server https://127.0.0.1:" + port
                + " could not be reached while reading the server version (connection refused)");
    }

    @Test
    void aServerWhoseCertificateTheKubeconfigDoesNotTrustIsRefusedForGood() {
        KubernetesClients clients = new KubernetesClients(KubernetesProperties.defaults(), LOOPBACK_ALLOWED);
        // The other emulated cluster's certificate: a CA, but not the one that signed this server's certificate.
        ClusterCredentials wrongCa = new ClusterCredentials(UUID.randomUUID(), "v1", URI.create(cluster.url()),
                Base64.getDecoder().decode(other.certificateAuthorityData()), false, null,
                new ClusterCredentials.BearerToken(EmulatedCluster.TOKEN));
        ClusterApi api = clients.connect(wrongCa);
        JobFailure failure = failure(api::serverVersion);
        assertThat(ClusterProblems.is(failure, ClusterProblems.CERTIFICATE_UNTRUSTED)).isTrue();
        assertThat(failure.problem().failureClass()).isEqualTo(FailureClass.PERMANENT);
        assertThat(failure.problem().detail()).contains("PullBridge does not trust the API server " + cluster.url(),
                "not signed by the kubeconfig's certificate-authority-data");
        assertThat(clients.cached(wrongCa.clusterId(), "v1")).as("client dropped").isEmpty();
        assertThat(cluster.requests()).isEmpty();
    }

    @Test
    void refusedCredentialsArePermanentAndDropTheClient() {
        EmulatedCluster strict = EmulatedCluster.start();
        try {
            strict.acceptOnlyToken("the-right-token");
            KubernetesClients clients = new KubernetesClients(KubernetesProperties.defaults(), LOOPBACK_ALLOWED);
            ClusterCredentials wrong = credentials(strict, "a-revoked-token");
            ClusterApi api = clients.connect(wrong);
            JobFailure failure = failure(api::serverVersion);
            assertThat(ClusterProblems.is(failure, ClusterProblems.CREDENTIALS_REFUSED)).isTrue();
            assertThat(failure.problem().failureClass()).isEqualTo(FailureClass.PERMANENT);
            assertThat(failure.problem().detail()).doesNotContain("a-revoked-token")
                    .contains("refused the kubeconfig's credentials while reading the server version (401 Unauthorized)");
            assertThat(clients.cached(wrong.clusterId(), "v1")).isEmpty();

            assertThat(clients.connect(credentials(strict, "the-right-token")).serverVersion()).isEqualTo("v1.33.2");
        } finally {
            strict.close();
        }
    }

    @Test
    void aForbiddenCallNamesTheMissingVerbAndResource() {
        EmulatedCluster rbac = EmulatedCluster.start("team-a");
        try {
            rbac.forbid("create", "secrets", "team-a").forbid("list", "namespaces", null);
            ClusterApi api = new KubernetesClients(KubernetesProperties.defaults(), LOOPBACK_ALLOWED)
                    .connect(credentials(rbac, EmulatedCluster.TOKEN));
            JobFailure secrets = failure(() -> api.createSecret(new ClusterApi.Secret("team-a", "acr", null,
                    Map.of(), Map.of(), Map.of(), null)));
            assertThat(ClusterProblems.is(secrets, ClusterProblems.FORBIDDEN)).isTrue();
            assertThat(secrets.problem().failureClass()).isEqualTo(FailureClass.PERMANENT);
            assertThat(secrets.problem().detail()).isEqualTo("PullBridge's user system:serviceaccount:pullbridge:"
                    + "pullbridge may not create secrets (API group core) in the namespace team-a (needed for creating "
                    + "secret team-a/acr); grant verb 'create' on 'secrets' with a Role or ClusterRole bound to "
                    + "system:serviceaccount:pullbridge:pullbridge");
            assertThat(failure(() -> api.namespaces(null)).problem().detail())
                    .contains("may not list namespaces (API group core) at the cluster scope", "with a ClusterRole");
        } finally {
            rbac.close();
        }
    }

    @Test
    void throttlingAndServerErrorsAreTransientAndHonourRetryAfter() {
        JsonMapper json = JsonMapper.builder().build();
        JobFailure throttled = KubernetesFailures.status(429, json.readTree("{\"reason\":\"TooManyRequests\"}"), "7",
                "https://api", "listing secrets", null);
        assertThat(ClusterProblems.is(throttled, ClusterProblems.THROTTLED)).isTrue();
        assertThat(throttled.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(throttled.isTransient()).isTrue();
        JobFailure unavailable = KubernetesFailures.status(503, null, "3", "https://api", "listing secrets", null);
        assertThat(ClusterProblems.is(unavailable, ClusterProblems.UNAVAILABLE)).isTrue();
        assertThat(unavailable.retryAfter()).contains(Duration.ofSeconds(3));
        assertThat(unavailable.isTransient()).isTrue();
    }

    @Test
    void aValidationErrorNeverQuotesTheValueItRefused() {
        JsonMapper json = JsonMapper.builder().build();
        JobFailure invalid = KubernetesFailures.status(422, json.readTree("""
                {"reason": "Invalid", "message": "Secret \\"acr\\" is invalid: data[.dockerconfigjson]: Invalid value: \\"p@ss:w0rd\\": not JSON"}"""),
                null, "https://api", "creating secret team-a/acr", "team-a");
        assertThat(ClusterProblems.is(invalid, ClusterProblems.INVALID)).isTrue();
        assertThat(invalid.problem().detail()).doesNotContain("p@ss")
                .contains("data[.dockerconfigjson]: Invalid value: (elided): not JSON");
    }

    @Test
    void aWebhookDenialThatQuotesEncodedDataOrAConnectionStringKeepsNeitherYetKeepsNamesAndPaths() {
        String data = Base64.getEncoder().encodeToString(("{\"auths\":{\"r.azurecr.io\":{\"username\":\"u\","
                + "\"password\":\"Pa55-word\"}}}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String message = "admission webhook \"policy.example\" denied the request: Secret team-a/acr-secret at "
                + "/apis/admissionregistration/v1/validatingwebhookconfigurations has data " + data + " and values "
                + "ConnectedRegistryName=edge;SyncTokenPassword=s3cr3t+/x=;Mode=x";

        JobFailure denied = KubernetesFailures.status(422, JsonMapper.builder().build().createObjectNode()
                        .put("reason", "Invalid").put("message", message), null, "https://api",
                "creating secret team-a/acr-secret", "team-a");

        assertThat(denied.problem().detail()).doesNotContain(data.substring(0, 40)).doesNotContain("s3cr3t")
                .contains("has data (elided) and values ConnectedRegistryName=edge;SyncTokenPassword=(redacted);")
                .contains("Secret team-a/acr-secret at /apis/admissionregistration/v1/validatingwebhookconfigurations");
    }

    @Test
    void aNameThatResolvesToARefusedAddressIsRefusedWhenConnecting() {
        // "localhost" is let through by name, but the address it resolves to is denied: as with DNS rebinding.
        ServerHostPolicy policy = new ServerHostPolicy(new ClustersProperties(List.of("localhost"),
                List.of("127.0.0.1/32"), DataSize.ofMegabytes(1)));
        ClusterApi api = new KubernetesClients(KubernetesProperties.defaults(), policy).connect(
                new ClusterCredentials(UUID.randomUUID(), "v1", URI.create(cluster.url().replace("127.0.0.1",
                        "localhost")), Base64.getDecoder().decode(cluster.certificateAuthorityData()), false, null,
                        new ClusterCredentials.BearerToken(EmulatedCluster.TOKEN)));
        cluster.clearRequests();
        JobFailure failure = failure(api::serverVersion);
        assertThat(ClusterProblems.is(failure, ClusterProblems.SERVER_REFUSED)).isTrue();
        assertThat(failure.problem().failureClass()).isEqualTo(FailureClass.PERMANENT);
        assertThat(failure.problem().detail()).contains("is refused by pullbridge.clusters.denied-hosts");
        assertThat(cluster.requests()).isEmpty();
    }
}
