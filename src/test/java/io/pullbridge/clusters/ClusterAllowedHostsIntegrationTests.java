package io.pullbridge.clusters;

import io.pullbridge.support.Api;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.ManualScheduling;
import org.springframework.context.annotation.Import;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static io.pullbridge.clusters.ClusterIntegrationTests.json;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Only the registration check: jobs are run by a manual scheduler this class never drives, so PullBridge never tries to
 * connect to these (made-up) servers.
 */
@IntegrationTest
@Import(ManualScheduling.class)
@TestPropertySource(properties = {
        "pullbridge.clusters.allowed-hosts=127.0.0.1,localhost,169.254.0.0/16",
        "pullbridge.clusters.denied-hosts=10.66.0.0/16,blocked.example.com"})
class ClusterAllowedHostsIntegrationTests {

    @Autowired
    MockMvc mvc;

    private void accepted(String name, String server) throws Exception {
        Api.admin(mvc).post("/api/v1/clusters", json("name", name, "kind", "kubeconfig",
                        "kubeconfig", TestKubeconfigs.withServer(server)))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.kubeconfig.server").value(server));
    }

    private void refused(String name, String server, String message) throws Exception {
        Api.admin(mvc).post("/api/v1/clusters", json("name", name, "kind", "kubeconfig",
                        "kubeconfig", TestKubeconfigs.withServer(server)))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.errors[0].field").value("kubeconfig"))
                .andExpect(jsonPath("$.errors[0].message").value(message));
    }

    @Test
    void letsTheAllowedLocalHostsThroughByAddressNameAndNetwork() throws Exception {
        accepted("kind-local", "https://127.0.0.1:6443");
        accepted("kind-by-name", "https://localhost:6443");
        accepted("link-local", "https://169.254.10.20:6443");
    }

    @Test
    void stillRefusesWhatIsNotAllowed() throws Exception {
        refused("loopback-v6", "https://[::1]:6443",
                "server host [::1] is a loopback address; allow it with pullbridge.clusters.allowed-hosts");
        refused("other-loopback", "https://127.0.0.2:6443",
                "server host 127.0.0.2 is a loopback address; allow it with pullbridge.clusters.allowed-hosts");
    }

    @Test
    void refusesTheDeniedHostsWhateverElseIsAllowed() throws Exception {
        refused("denied-net", "https://10.66.1.1:6443",
                "server host 10.66.1.1 is refused by pullbridge.clusters.denied-hosts");
        refused("denied-name", "https://Blocked.Example.Com.",
                "server host Blocked.Example.Com. is refused by pullbridge.clusters.denied-hosts");
    }
}
