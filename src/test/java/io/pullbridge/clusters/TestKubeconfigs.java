package io.pullbridge.clusters;

/** Kubeconfigs for tests, with a recognisable credential that must never show up anywhere but the ciphertext. */
final class TestKubeconfigs {

    /** The bearer token in every test kubeconfig's user section. */
    static final String TOKEN = "sekret-TOKEN-7f3a9c1e5b2d4f6a8c0e";

    private TestKubeconfigs() {
    }

    static String valid() {
        return withServer("https://10.1.2.3:6443");
    }

    static String withServer(String server) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: onprem
                  cluster:
                    server: %s
                    certificate-authority-data: LS0tLS1CRUdJTi1DRVJUSUZJQ0FURS0tLS0t
                - name: other
                  cluster:
                    server: http://127.0.0.1:8080
                contexts:
                - name: onprem-admin
                  context:
                    cluster: onprem
                    user: admin
                    namespace: default
                current-context: onprem-admin
                users:
                - name: admin
                  user:
                    token: %s
                preferences: {}
                """.formatted(server, TOKEN);
    }

    /** A kubeconfig with a YAML syntax error next to its token: an unclosed flow mapping, reported at line 9. */
    static String brokenYaml() {
        return """
                apiVersion: v1
                clusters:
                - name: onprem
                  cluster:
                    server: https://10.1.2.3:6443
                users:
                - name: admin
                  user: {token: %s
                current-context: onprem-admin
                """.formatted(TOKEN);
    }
}
