package io.pullbridge.access;

import com.jayway.jsonpath.JsonPath;
import io.pullbridge.support.Api;
import io.pullbridge.support.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** {@code GET /api/v1/access}: which cluster can pull from which registry, and whether that is true right now. */
@IntegrationTest
class AccessIntegrationTests {

    private static final String PROBLEMS = "https://pullbridge.io/problems/";

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    private AccessFixtures fixtures;
    private final Instant now = Instant.now();

    @BeforeEach
    void fixtures() {
        fixtures = new AccessFixtures(jdbc);
    }

    @Test
    void eachPairShowsItsBindingsTheirLastVerificationAndCredentialExpiryAndIsAsBadAsItsWorstBinding()
            throws Exception {
        UUID registry = fixtures.registry("pairacr");
        UUID cluster = fixtures.cluster("pair-" + suffix());
        Instant expires = now.plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
        UUID principal = fixtures.servicePrincipal(expires);
        UUID kubelet = fixtures.kubeletBinding(registry, cluster, "Ready");
        Instant verifiedAt = now.minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
        UUID verification = fixtures.verification(kubelet, "succeeded", verifiedAt, null);
        UUID secret = fixtures.pullSecretBinding(registry, cluster, principal, null, "Ready");

        Api.reader(mvc).get("/api/v1/access?clusterId=" + cluster)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.items", hasSize(1)))
                .andExpect(jsonPath("$.nextPageToken").doesNotExist())
                .andExpect(jsonPath("$.items[0].cluster.id").value(cluster.toString()))
                .andExpect(jsonPath("$.items[0].registry.id").value(registry.toString()))
                .andExpect(jsonPath("$.items[0].registry.loginServer").value("pairacr.azurecr.io"))
                .andExpect(jsonPath("$.items[0].state").value("unverified"))
                .andExpect(jsonPath("$.items[0].bindings[*].id").value(contains(kubelet.toString(), secret.toString())))
                .andExpect(jsonPath("$.items[0].bindings[0].method").value("kubelet-identity"))
                .andExpect(jsonPath("$.items[0].bindings[0].phase").value("Ready"))
                .andExpect(jsonPath("$.items[0].bindings[0].state").value("effective"))
                .andExpect(jsonPath("$.items[0].bindings[0].lastVerification.result").value("succeeded"))
                .andExpect(jsonPath("$.items[0].bindings[0].lastVerification.jobId").value(verification.toString()))
                .andExpect(jsonPath("$.items[0].bindings[0].lastVerification.at").value(verifiedAt.toString()))
                .andExpect(jsonPath("$.items[0].bindings[0].credential").doesNotExist())
                .andExpect(jsonPath("$.items[0].bindings[1].state").value("unverified"))
                .andExpect(jsonPath("$.items[0].bindings[1].lastVerification").doesNotExist())
                .andExpect(jsonPath("$.items[0].bindings[1].credential.kind").value("service-principal"))
                .andExpect(jsonPath("$.items[0].bindings[1].credential.id").value(principal.toString()))
                .andExpect(jsonPath("$.items[0].bindings[1].credential.expiresAt").value(expires.toString()));
    }

    @Test
    void aBindingsStateSaysWhetherItsAccessIsTrueNow() throws Exception {
        UUID registry = fixtures.registry("stateacr");
        String prefix = "state-" + suffix();
        UUID reachable = fixtures.cluster(prefix + "-a");
        UUID unreachable = fixtures.unreachableCluster(prefix + "-b");
        UUID failed = fixtures.kubeletBinding(registry, reachable, "Failed");
        UUID degraded = fixtures.pullSecretBinding(registry, reachable, fixtures.servicePrincipal(now.plusSeconds(3600)),
                null, "Degraded");
        // One kubelet-identity binding per cluster and registry.
        UUID failedCheck = fixtures.kubeletBinding(fixtures.registry("checkacr"), reachable, "Ready");
        fixtures.verification(failedCheck, "succeeded", now.minusSeconds(120), null);
        fixtures.verification(failedCheck, "failed", now.minusSeconds(60), "registry-unreachable");
        UUID recovered = fixtures.kubeletBinding(fixtures.registry("recoveredacr"), reachable, "Ready");
        fixtures.verification(recovered, "failed", now.minusSeconds(120), "registry-unreachable");
        fixtures.verification(recovered, "succeeded", now.minusSeconds(60), null);
        UUID expired = fixtures.pullSecretBinding(registry, reachable, null,
                fixtures.token(registry, now.minusSeconds(60)), "Ready");
        fixtures.verification(expired, "succeeded", now.minusSeconds(30), null);
        UUID offCluster = fixtures.kubeletBinding(registry, unreachable, "Ready");
        fixtures.verification(offCluster, "succeeded", now.minusSeconds(30), null);

        String reachableBody = Api.reader(mvc).get("/api/v1/access?clusterId=" + reachable)
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(stateOf(reachableBody, failed)).isEqualTo("failed");
        assertThat(stateOf(reachableBody, degraded)).isEqualTo("degraded");
        assertThat(stateOf(reachableBody, failedCheck)).as("the latest verification failed").isEqualTo("degraded");
        assertThat(stateOf(reachableBody, recovered)).as("the latest verification succeeded").isEqualTo("effective");
        assertThat(stateOf(reachableBody, expired)).as("its token's password expired").isEqualTo("degraded");
        Api.reader(mvc).get("/api/v1/access?clusterId=" + reachable + "&registryId=" + registry)
                .andExpect(jsonPath("$.items", hasSize(1)))
                .andExpect(jsonPath("$.items[0].bindings", hasSize(3)))
                .andExpect(jsonPath("$.items[0].state").value("failed"));
        assertThat(JsonPath.<List<String>>read(reachableBody, "$.items[0].bindings[?(@.id == '" + failedCheck
                + "')].lastVerification.problemType")).containsExactly(PROBLEMS + "registry-unreachable");

        Api.reader(mvc).get("/api/v1/access?clusterId=" + unreachable)
                .andExpect(jsonPath("$.items[0].state").value("degraded"))
                .andExpect(jsonPath("$.items[0].bindings[0].state").value("degraded"));
    }

    @Test
    void pairsFilterByClusterRegistryAndStateAndPageInNameOrder() throws Exception {
        String prefix = "page-" + suffix();
        UUID registryA = fixtures.registry("pagea");
        UUID registryB = fixtures.registry("pageb");
        UUID first = fixtures.cluster(prefix + "-1");
        UUID second = fixtures.cluster(prefix + "-2");
        UUID ok = fixtures.kubeletBinding(registryA, first, "Ready");
        fixtures.verification(ok, "succeeded", now, null);
        fixtures.kubeletBinding(registryB, first, "Failed");
        fixtures.kubeletBinding(registryA, second, "Ready");

        String page1 = Api.reader(mvc).get("/api/v1/access?registryId=" + registryA + "&limit=1")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.items", hasSize(1)))
                .andExpect(jsonPath("$.items[0].cluster.id").value(first.toString()))
                .andExpect(jsonPath("$.items[0].state").value("effective"))
                .andReturn().getResponse().getContentAsString();
        String next = JsonPath.read(page1, "$.nextPageToken");
        Api.reader(mvc).get("/api/v1/access?registryId=" + registryA + "&limit=1&pageToken=" + next)
                .andExpect(jsonPath("$.items", hasSize(1)))
                .andExpect(jsonPath("$.items[0].cluster.id").value(second.toString()))
                .andExpect(jsonPath("$.items[0].state").value("unverified"))
                .andExpect(jsonPath("$.nextPageToken").doesNotExist());

        Api.reader(mvc).get("/api/v1/access?clusterId=" + first + "&state=failed")
                .andExpect(jsonPath("$.items", hasSize(1)))
                .andExpect(jsonPath("$.items[0].registry.id").value(registryB.toString()));
        Api.reader(mvc).get("/api/v1/access?clusterId=" + first + "&registryId=" + registryA)
                .andExpect(jsonPath("$.items", hasSize(1)))
                .andExpect(jsonPath("$.items[0].state").value("effective"));
        Api.reader(mvc).get("/api/v1/access?clusterId=" + second + "&state=effective")
                .andExpect(jsonPath("$.items", hasSize(0)));
    }

    @Test
    void badFiltersAndPageTokensAreProblemsNamingTheField() throws Exception {
        Api.reader(mvc).get("/api/v1/access?state=green")
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
                .andExpect(jsonPath("$.errors[0].field").value("state"))
                .andExpect(jsonPath("$.errors[0].message").value(containsString("effective")));
        Api.reader(mvc).get("/api/v1/access?clusterId=not-a-uuid")
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"));
        Api.reader(mvc).get("/api/v1/access?limit=0")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("limit"));
        for (String token : List.of("garbage", "YTEKAApub3QtYS11dWlk", encodedWithNul())) {
            Api.reader(mvc).get("/api/v1/access?pageToken=" + token)
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.errors[0].field").value("pageToken"));
        }
    }

    @Test
    void anyPullBridgeRoleMayReadTheViewButNotAnotherRoleNorNoToken() throws Exception {
        Api.reader(mvc).get("/api/v1/access").andExpect(status().isOk());
        Api.operator(mvc).get("/api/v1/access").andExpect(status().isOk());
        Api.as(mvc, "Auditor").get("/api/v1/access")
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.type").value(PROBLEMS + "forbidden"));
        mvc.perform(get("/api/v1/access"))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.type").value(PROBLEMS + "unauthenticated"));
    }

    private static String stateOf(String body, UUID binding) {
        List<String> states = JsonPath.read(body, "$.items[*].bindings[?(@.id == '" + binding + "')].state");
        assertThat(states).as("binding %s in %s", binding, body).hasSize(1);
        return states.get(0);
    }

    private static String encodedWithNul() {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String nul = base64.encodeToString("a\0b".getBytes(StandardCharsets.UTF_8));
        String raw = String.join("\n", "a1", nul, UUID.randomUUID().toString(), nul, UUID.randomUUID().toString());
        return base64.encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
